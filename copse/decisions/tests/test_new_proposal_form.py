"""The new-proposal form: each kind's fields under their own heading (all
shown without JavaScript), the deadline typed and shown in the proposer's
own time zone, and what was typed kept when something is refused."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from copse.decisions.models import Proposal

PACIFIC = ZoneInfo("America/Los_Angeles")


def _signed_in(client, user, zone="America/Los_Angeles"):
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    client.force_login(user)


def test_every_kind_has_its_own_part_of_the_form(client, roles):
    community, people = roles
    _signed_in(client, people["member"])
    page = client.get(reverse("decisions:new", args=[community.slug])).content.decode()
    for kind in ("norms", "goals", "visibility", "facilitator"):
        assert f'data-kind="{kind}"' in page
    assert "<legend>For a norms change: the new text</legend>" in page
    assert "decisions/proposal_kind.js" in page
    assert "Your time (America/Los Angeles)" in page


def test_the_deadline_is_read_in_the_proposers_time_zone(client, roles):
    community, people = roles
    _signed_in(client, people["member"])
    wall = (timezone.now().astimezone(PACIFIC) + dt.timedelta(days=5)).replace(
        hour=17, minute=0, second=0, microsecond=0, tzinfo=None
    )
    response = client.post(
        reverse("decisions:new", args=[community.slug]),
        {
            "kind": "free",
            "title": "Meet quarterly in person",
            "body": "Monthly online, quarterly in person.",
            "rule": "consent",
            "deadline": wall.strftime("%Y-%m-%dT%H:%M"),
            # A part the free kind does not use is ignored.
            "new_goals": "Something else entirely",
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(community=community)
    assert proposal.deadline == wall.replace(tzinfo=PACIFIC)
    assert proposal.new_goals == ""


def test_a_refused_proposal_keeps_what_was_typed(client, roles):
    community, people = roles
    _signed_in(client, people["member"], zone="Europe/Amsterdam")
    soon = timezone.now().astimezone(ZoneInfo("Europe/Amsterdam")) + dt.timedelta(hours=2)
    response = client.post(
        reverse("decisions:new", args=[community.slug]),
        {
            "kind": "free",
            "title": "Meet quarterly in person",
            "body": "Monthly online, quarterly in person.",
            "rule": "consent",
            "deadline": soon.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at least a day" in page
    assert "Meet quarterly in person" in page
    assert not Proposal.objects.exists()
