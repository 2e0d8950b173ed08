"""Each event the catalogue offers is sent when it happens, through the
services people use, and only to webhooks that chose it."""

import datetime as dt

import pytest
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.decisions import services as decisions
from copse.meetings import services as meetings
from copse.memberships import services as memberships
from copse.memberships.models import Membership
from copse.webhooks import events, services
from copse.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def _sent(receiver) -> list[str]:
    return [request.headers["Copse-Event"] for request in receiver.received]


def test_every_event_is_sent_as_it_happens(circle, receiver, django_capture_on_commit_callbacks):
    community, facilitator, member = circle
    services.create_webhook(
        actor=facilitator,
        community=community,
        target_url=receiver.url(),
        events=[event.name for event in events.EVENTS],
    )

    def happens(action):
        before = len(receiver.received)
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        return result, sorted(_sent(receiver)[before:])

    thread, sent = happens(
        lambda: conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    )
    assert sent == ["post.published", "thread.created"]
    reply, sent = happens(lambda: conversations.post_reply(actor=member, thread=thread, body="R"))
    assert sent == ["post.published"]
    _, sent = happens(lambda: conversations.edit_post(actor=member, post=reply, body="R2"))
    assert sent == ["post.edited"]
    _, sent = happens(lambda: conversations.remove_post(actor=member, post=reply))
    assert sent == ["post.removed"]
    _, sent = happens(
        lambda: conversations.remove_thread(actor=facilitator, thread=thread, reason="Off topic")
    )
    assert sent == ["thread.removed"]

    start = timezone.now() + dt.timedelta(days=10)
    meeting, sent = happens(
        lambda: meetings.create_meeting(
            actor=facilitator,
            community=community,
            title="Spring meeting",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
        )
    )
    assert sent == ["meeting.created"]
    _, sent = happens(lambda: meetings.rsvp(actor=member, meeting=meeting, answer="yes"))
    assert sent == ["rsvp.answered"]
    _, sent = happens(lambda: meetings.rsvp(actor=member, meeting=meeting, answer="no"))
    assert sent == ["rsvp.answered"]
    _, sent = happens(
        lambda: meetings.update_meeting(actor=facilitator, meeting=meeting, title="Spring, moved")
    )
    assert sent == ["meeting.changed"]
    _, sent = happens(
        lambda: meetings.cancel_meeting(actor=facilitator, meeting=meeting, reason="Snow")
    )
    assert sent == ["meeting.cancelled"]

    newcomer = testing.make_user()
    invitation = memberships.invite(actor=facilitator, community=community, email=newcomer.email)
    _, sent = happens(
        lambda: memberships.accept_invitation(
            actor=newcomer, invitation=invitation, accepted_norms_version=0
        )
    )
    assert sent == ["membership.started"]
    seat = Membership.objects.get(community=community, user=newcomer)
    _, sent = happens(
        lambda: memberships.change_role(actor=facilitator, membership=seat, role="facilitator")
    )
    assert sent == ["membership.role_changed"]
    _, sent = happens(lambda: memberships.leave(actor=newcomer, community=community))
    assert sent == ["membership.ended"]

    deadline = timezone.now() + dt.timedelta(days=2)
    proposal, sent = happens(
        lambda: decisions.create_proposal(
            actor=member,
            community=community,
            title="Meet quarterly",
            body="Four times a year suits us.",
            rule="facilitator",
            deadline=deadline,
        )
    )
    assert sent == ["proposal.opened"]
    closed, sent = happens(
        lambda: decisions.close_if_due(proposal.pk, now=deadline + dt.timedelta(seconds=1))
    )
    assert closed.status == "awaiting"
    assert sent == ["proposal.closed"]
    _, sent = happens(
        lambda: decisions.decide_as_facilitator(
            actor=facilitator, proposal=closed, passed=True, outcome="Heard all: yes."
        )
    )
    assert sent == ["proposal.decided"]
    assert set(_sent(receiver)) == {event.name for event in events.EVENTS}
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"succeeded"}


def test_a_webhook_gets_only_the_events_it_chose_and_only_of_its_community(
    circle, receiver, django_capture_on_commit_callbacks
):
    community, facilitator, member = circle
    elsewhere = testing.make_community()
    testing.seat(elsewhere, member)
    services.create_webhook(
        actor=facilitator,
        community=community,
        target_url=receiver.url(),
        events=["thread.created"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        thread = conversations.start_thread(
            actor=member, community=community, kind="discussion", title="Here", body="B"
        )
        conversations.post_reply(actor=member, thread=thread, body="A reply")
        conversations.start_thread(
            actor=member, community=elsewhere, kind="discussion", title="There", body="B"
        )
    assert _sent(receiver) == ["thread.created"]
    assert receiver.received[0].json["data"]["thread"]["title"] == "Here"
    assert receiver.received[0].json["data"]["thread"]["body"] == "B"
