"""A programme to report on: communities with members, meetings whose
attendance was taken, asks with replies, library items and re-uses, value
stories and trust pulses. Written straight to the tables (the services are
tested in their apps); times are set in the past with `.update()`."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from copse import testing
from copse.conversations.models import Post, Thread
from copse.library.models import LibraryItem, Reuse
from copse.meetings.models import Meeting, Rsvp
from copse.pulses.models import Pulse, PulseAnswer
from copse.value.models import ValueStory

_numbers = itertools.count(1)


@dataclass
class Made:
    community: object
    people: list = field(default_factory=list)


def community(*, name=None, members=6, visibility="members", listed=True, organisations=None):
    """A community and its members (the first one facilitates), each from
    their own organisation unless `organisations` names fewer."""
    n = next(_numbers)
    made = Made(
        testing.make_community(
            name=name or f"Programme community {n}",
            slug=f"programme-{n}-{uuid.uuid4().hex[:6]}",
            visibility=visibility,
            listed=listed,
        )
    )
    orgs = [testing.make_organisation(f"Org {n}-{i}") for i in range(organisations or members)]
    for i in range(members):
        person = testing.make_user(
            f"p{n}-{i}-{uuid.uuid4().hex[:6]}@example.com",
            name=f"Person {n}-{i}",
            organisation=orgs[i % len(orgs)],
        )
        testing.seat(made.community, person, role="facilitator" if i == 0 else "member")
        made.people.append(person)
    return made


def meeting(made: Made, *, days_ago=30, going=None, attended=None):
    """A meeting held `days_ago`; `going` people had a place (default: all),
    the first `attended` of them came (None: attendance not taken)."""
    starts = timezone.now() - dt.timedelta(days=days_ago)
    held = Meeting.objects.create(
        community=made.community,
        title=f"Meeting {next(_numbers)}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
    )
    going = made.people if going is None else made.people[:going]
    for i, person in enumerate(going):
        Rsvp.objects.create(
            meeting=held,
            user=person,
            answer=Rsvp.Answer.YES,
            place=Rsvp.Place.GOING,
            attended=None if attended is None else i < attended,
        )
    return held


def ask(
    made: Made,
    *,
    title="A question",
    asker=0,
    days_ago=20,
    reply_after_hours=None,
    helpful=False,
    replier=1,
):
    """An ask, with one reply `reply_after_hours` after it (None: no reply)."""
    asked_at = timezone.now() - dt.timedelta(days=days_ago)
    author = made.people[asker]
    thread = Thread.objects.create(
        community=made.community,
        kind=Thread.Kind.ASK,
        title=title,
        author=author,
        last_activity_at=asked_at,
        ask_state=Thread.AskState.OPEN,
    )
    opening = Post.objects.create(
        thread=thread, community=made.community, position=0, author=author, body=title
    )
    Post.objects.filter(pk=opening.pk).update(created_at=asked_at)
    Thread.objects.filter(pk=thread.pk).update(created_at=asked_at)
    if reply_after_hours is not None:
        replied_at = asked_at + dt.timedelta(hours=reply_after_hours)
        reply = Post.objects.create(
            thread=thread,
            community=made.community,
            position=1,
            author=made.people[replier],
            body="Here is what we did.",
            helpful=helpful,
            helpful_at=replied_at if helpful else None,
        )
        Post.objects.filter(pk=reply.pk).update(created_at=replied_at)
        Thread.objects.filter(pk=thread.pk).update(reply_count=1, last_position=1)
    return thread


def library_item(made: Made, *, title="A template", reuses=0, days_ago=10):
    item = LibraryItem.objects.create(
        community=made.community,
        kind=LibraryItem.Kind.TEMPLATE,
        title=title,
        created_by=made.people[0],
        updated_at=timezone.now(),
    )
    LibraryItem.objects.filter(pk=item.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    for i in range(reuses):
        Reuse.objects.create(item=item, person=made.people[i % len(made.people)], note="Used it.")
    return item


def story(
    made: Made,
    *,
    author=0,
    cycle="realised",
    money=None,
    currency="",
    hours=None,
    sharing="report",
    title="It saved us money",
    text="We switched carriers.",
):
    return ValueStory.objects.create(
        community=made.community,
        author=made.people[author],
        cycle=cycle,
        title=title,
        story=text,
        money_saved=Decimal(money) if money is not None else None,
        currency=currency,
        hours_saved=Decimal(hours) if hours is not None else None,
        sharing=sharing,
    )


def pulse(made: Made, *, opened_days_ago=60, answers=(), open_answer="We trust each other."):
    """A closed pulse with `answers`, each five scores."""
    opens = timezone.localdate() - dt.timedelta(days=opened_days_ago)
    made_pulse = Pulse.objects.create(
        community=made.community,
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=14),
        respondent_count=len(answers),
    )
    for scores in answers:
        PulseAnswer.objects.create(
            pulse=made_pulse,
            **{f"statement_{i}": score for i, score in enumerate(scores, start=1)},
            open_answer=open_answer,
        )
    return made_pulse
