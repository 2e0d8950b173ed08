"""A CIO community with an ask, a meeting and a library item, its people, and
a second community whose own thread, meeting and item nobody here may link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations


def make_meeting(community, *, days_ago: float = 10, hours: float = 4, **fields):
    from copse.meetings.models import Meeting

    starts = timezone.now() - dt.timedelta(days=days_ago)
    return Meeting.objects.create(
        community=community,
        title=fields.pop("title", "Monthly meeting"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=hours),
        **fields,
    )


def make_item(community, *, title: str = "Carrier RFP template", **fields):
    from copse.library.models import LibraryItem

    return LibraryItem.objects.create(
        community=community,
        kind=fields.pop("kind", "template"),
        title=title,
        updated_at=timezone.now(),
        **fields,
    )


@dataclass
class World:
    community: object
    facilitator: object
    asker: object
    member: object
    delegate: object
    outsider: object
    ask: object
    reply: object
    meeting: object
    item: object
    elsewhere: object
    elsewhere_thread: object
    elsewhere_meeting: object
    elsewhere_item: object


@pytest.fixture
def world(db) -> World:
    community = testing.make_community(
        slug="cio", name="CIO CoP", visibility="confidential", listed=False
    )
    facilitator = testing.make_user("maria@example.com", name="Maria Facilitator")
    asker = testing.make_user("dev@example.com", name="Dev Asker")
    member = testing.make_user("priya@example.com", name="Priya Member")
    delegate = testing.make_user("tom@example.com", name="Tom Delegate")
    outsider = testing.make_user("ana@example.com", name="Ana Outsider")
    testing.seat(community, facilitator, role="facilitator")
    principal = testing.seat(community, asker)
    testing.seat(community, member)
    testing.seat(community, delegate, role="delegate", principal=principal)
    ask = conversations.start_thread(
        actor=asker,
        community=community,
        kind="ask",
        title="Telecom costs: who has switched carriers?",
        body="Our bill doubled.",
    )
    reply = conversations.post_reply(actor=member, thread=ask, body="Run a bid across three.")

    elsewhere = testing.make_community(
        slug="ao", name="A/O CoP", visibility="confidential", listed=False
    )
    testing.seat(elsewhere, outsider, role="facilitator")
    elsewhere_thread = conversations.start_thread(
        actor=outsider,
        community=elsewhere,
        kind="discussion",
        title="Confidential merger plans at Fabrikam",
        body="Not for anyone else.",
    )
    return World(
        community=community,
        facilitator=facilitator,
        asker=asker,
        member=member,
        delegate=delegate,
        outsider=outsider,
        ask=ask,
        reply=reply,
        meeting=make_meeting(community, title="March meeting at Litware"),
        item=make_item(community),
        elsewhere=elsewhere,
        elsewhere_thread=elsewhere_thread,
        elsewhere_meeting=make_meeting(elsewhere, title="Fabrikam layoffs briefing"),
        elsewhere_item=make_item(elsewhere, title="Fabrikam restructuring plan", sharing="site"),
    )


def story_data(**overrides) -> dict:
    """A realised story as the form sends it."""
    data = {
        "cycle": "realised",
        "title": "We saved $250K a year on telecom",
        "story": "An **audit** first, then a bid across three carriers.",
        "money_saved": "250000",
        "currency": "usd",
        "hours_saved": "40",
        "risk_avoided": "",
        "sharing": "report",
    }
    data.update(overrides)
    return data
