"""Communities and people for the expertise tests: one person in every
standing towards the CIO Circle, which they share (or not) with others."""

import datetime as dt

import pytest
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Tag
from copse.expertise import services
from copse.meetings.models import AgendaItem, Meeting


@pytest.fixture
def world(db):
    cio = testing.make_community(slug="cio", name="CIO Circle", visibility="members")
    ops = testing.make_community(slug="ops", name="Ops Circle", visibility="members")
    designers = testing.make_community(
        slug="designers", name="Designers Commons", visibility="open", join_policy="open"
    )
    hidden = testing.make_community(
        slug="ring", name="Hidden Ring", visibility="confidential", listed=False
    )
    org = testing.make_organisation("Contoso")
    people = {
        "asker": testing.make_user("asker@example.com", name="Asha Asker", organisation=org),
        "expert": testing.make_user("expert@example.com", name="Eve Expert"),
        "replier": testing.make_user("replier@example.com", name="Ray Replier"),
        "facilitator": testing.make_user("fay@example.com", name="Fay Facilitator"),
        "delegate": testing.make_user("dee@example.com", name="Dee Delegate"),
        "guest": testing.make_user("gus@example.com", name="Gus Guest"),
        "former": testing.make_user("fred@example.com", name="Fred Former"),
        "outsider": testing.make_user("olive@example.com", name="Olive Outsider"),
        "other_facilitator": testing.make_user("otto@example.com", name="Otto Other"),
        "site_admin": testing.make_site_admin(email="ada@example.com", name="Ada Admin"),
        "designer": testing.make_user("dana@example.com", name="Dana Designer"),
        "ringer": testing.make_user("rin@example.com", name="Rin Ringer"),
    }
    testing.seat(cio, people["facilitator"], role="facilitator")
    asker_seat = testing.seat(cio, people["asker"])
    testing.seat(cio, people["expert"])
    testing.seat(cio, people["replier"])
    testing.seat(cio, people["delegate"], role="delegate", principal=asker_seat)
    testing.seat(cio, people["guest"], role="guest_presenter")
    testing.seat(cio, people["former"], status="left")
    testing.seat(ops, people["expert"])
    testing.seat(ops, people["other_facilitator"], role="facilitator")
    testing.seat(designers, people["designer"])
    testing.seat(hidden, people["ringer"])
    vendor = Tag.objects.create(
        community=None, name="Vendor Networks", slug="vendor-networks", kind="vendor"
    )
    return {
        "cio": cio,
        "ops": ops,
        "designers": designers,
        "hidden": hidden,
        "vendor": vendor,
        **people,
    }


def experience(person, tag, communities, **fields):
    values = {
        "duration": "1_3",
        "purpose": "SIP trunking at head office",
        "recommend": "caveats",
        "recommend_note": "Insist on a cut-over plan per site.",
        "happy_to_be_asked": True,
    }
    values.update(fields)
    return services.save_experience(actor=person, tag=tag, communities=communities, **values)


def ask(world, title="Who has switched carriers?", tags=("Vendor Networks",), asker="asker"):
    return conversations.start_thread(
        actor=world[asker],
        community=world["cio"],
        kind="ask",
        title=title,
        body="We pay too much.",
        tag_names=list(tags),
    )


def helpful_reply(world, thread, replier="replier", body="We did; it went well."):
    post = conversations.post_reply(actor=world[replier], thread=thread, body=body)
    conversations.mark_helpful(actor=thread.author, post=post)
    return post


def past_meeting(community, *, title="Monthly meeting", days_ago=30, summary="", **fields):
    start = (timezone.now() - dt.timedelta(days=days_ago)).replace(microsecond=0)
    return Meeting.objects.create(
        community=community,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        summary_markdown=summary,
        summary_published_at=start + dt.timedelta(days=1) if summary else None,
        **fields,
    )


def agenda_item(meeting, presenter, title, notes=""):
    return AgendaItem.objects.create(meeting=meeting, presenter=presenter, title=title, notes=notes)
