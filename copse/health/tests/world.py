"""A community with a facilitator and members, and activity written
straight into the tables with the times a test needs (the services stamp
the present). Shared by the health tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from copse import testing
from copse.conversations.models import Post, Thread
from copse.meetings.models import Meeting, Rsvp
from copse.memberships.models import Membership


def ago(days: float = 0, hours: float = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days, hours=hours)


class World:
    """Fay facilitates; Mona, Max and Quinn are members. Quinn has said
    nothing for months."""

    def __init__(self, *, visibility: str = "members", slug: str = "cio", name: str = "CIO CoP"):
        self.community = testing.make_community(slug=slug, name=name, visibility=visibility)
        self.fay = testing.make_user(f"fay@{slug}.example", name="Fay Facilitator")
        self.mona = testing.make_user(f"mona@{slug}.example", name="Mona Member")
        self.max = testing.make_user(f"max@{slug}.example", name="Max Member")
        self.quinn = testing.make_user(f"quinn@{slug}.example", name="Quinn Quiet")
        testing.seat(self.community, self.fay, role="facilitator")
        for person in (self.mona, self.max, self.quinn):
            testing.seat(self.community, person)
        Membership.objects.filter(community=self.community).update(joined_at=ago(400))

    def thread(self, author, *, kind="discussion", days_ago=1.0, title="A thread", **fields):
        thread = Thread.objects.create(
            community=self.community,
            kind=kind,
            title=title,
            author=author,
            last_activity_at=ago(days_ago),
            ask_state="open" if kind == "ask" else "",
            **fields,
        )
        Thread.objects.filter(pk=thread.pk).update(created_at=ago(days_ago))
        thread.refresh_from_db()
        self.post(thread, author, days_ago=days_ago, position=0)
        return thread

    def post(self, thread, author, *, days_ago=1.0, hours_later=None, position=None, **fields):
        if position is None:
            position = thread.last_position + 1
            Thread.objects.filter(pk=thread.pk).update(last_position=position, reply_count=position)
            thread.last_position = position
        when = (
            thread.created_at + dt.timedelta(hours=hours_later)
            if hours_later is not None
            else ago(days_ago)
        )
        post = Post.objects.create(
            thread=thread,
            community=self.community,
            position=position,
            author=author,
            body=f"Post {position}",
            **fields,
        )
        Post.objects.filter(pk=post.pk).update(created_at=when)
        post.created_at = when
        return post

    def meeting(self, *, days_ago: float, title="Monthly meeting", **fields) -> Meeting:
        starts = ago(days_ago)
        meeting = Meeting.objects.create(
            community=self.community,
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=3),
            **fields,
        )
        return meeting

    def rsvp(self, meeting, user, *, attended=None, answer="yes", place="going") -> Rsvp:
        rsvp = Rsvp.objects.create(
            meeting=meeting, user=user, answer=answer, place=place, attended=attended
        )
        # Answered a week before the meeting.
        Rsvp.objects.filter(pk=rsvp.pk).update(answered_at=meeting.starts_at - dt.timedelta(days=7))
        return rsvp
