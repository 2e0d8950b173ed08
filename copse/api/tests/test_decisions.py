"""Proposals through the API: the list, one proposal with its positions as
its page shows them, and the caller's own position, saved through the same
service as the page's form (so the same rules hold: a block needs a reason,
a delegate reads but does not answer, nothing changes after the deadline)."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from copse.api.tests.helpers import (
    bearer,
    cache_in_memory,  # noqa: F401  (a fixture)
    token_for,
)
from copse.audit.models import AuditEntry
from copse.decisions import services
from copse.decisions.models import Position, Proposal
from copse.decisions.tests.test_query_counts import SIZES, World

pytestmark = pytest.mark.django_db

TITLE = "Meet quarterly in person, monthly online"


@pytest.fixture
def circle(roles):
    community, people = roles
    proposal = services.create_proposal(
        actor=people["member"],
        community=community,
        title=TITLE,
        body="Travel is **costly**.",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    return community, people, proposal


class Caller:
    """One person's read and write tokens, made once per test."""

    def __init__(self, client, user):
        self.client = client
        self.read = bearer(token_for(user, scopes=["read"]))
        self.write = bearer(token_for(user, scopes=["write"]))

    def get(self, url):
        return self.client.get(url, **self.read)

    def put(self, url, body):
        return self.client.put(url, data=body, content_type="application/json", **self.write)


def test_a_member_says_where_they_stand_and_changes_it_until_the_deadline(client, circle):
    community, people, proposal = circle
    mona = Caller(client, people["member"])
    url = f"/api/proposals/{proposal.pk}/position"

    saved = mona.put(url, {"stance": "agree", "reason": "Fine by me."})
    assert saved.status_code == 200, saved.content
    assert saved.json()["stance"] == "agree"

    # A block without a reason is refused with the page's words; nothing changes.
    refused = mona.put(url, {"stance": "block"})
    assert refused.status_code == 400
    assert "Say why you block" in refused.json()["detail"]
    assert Position.objects.get(proposal=proposal, user=people["member"]).stance == "agree"

    blocked = mona.put(url, {"stance": "block", "reason": "We lose the dinners."})
    assert blocked.status_code == 200
    page = mona.get(f"/api/proposals/{proposal.pk}").json()
    assert page["mine"]["stance"] == "block"
    assert page["tally"]["block"] == 1 and page["tally"]["agree"] == 0
    assert page["would_pass"] is False
    assert [p["reason"] for p in page["positions"]] == ["We lose the dinners."]
    assert page["html"] == "<p>Travel is <strong>costly</strong>.</p>\n"

    mona.put(url, {"stance": "abstain"})
    assert AuditEntry.objects.filter(
        action="proposal.block_withdrawn", actor=people["member"]
    ).exists()

    Proposal.objects.filter(pk=proposal.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    late = mona.put(url, {"stance": "agree"})
    assert late.status_code == 400
    assert "closed" in late.json()["detail"]
    assert Position.objects.get(proposal=proposal, user=people["member"]).stance == "abstain"


def test_a_stance_that_does_not_exist_or_an_unknown_field_is_refused(client, circle):
    _, people, proposal = circle
    mona = Caller(client, people["member"])
    url = f"/api/proposals/{proposal.pk}/position"
    assert mona.put(url, {"stance": "object"}).status_code == 422
    assert mona.put(url, {"stance": "agree", "weight": 2}).status_code == 422
    assert not Position.objects.filter(proposal=proposal).exists()


def test_a_delegate_reads_but_the_decision_is_their_principals(client, circle):
    _, people, proposal = circle
    dee = Caller(client, people["delegate"])
    page = dee.get(f"/api/proposals/{proposal.pk}").json()
    assert page["may_answer"] is False
    refused = dee.put(f"/api/proposals/{proposal.pk}/position", {"stance": "agree"})
    assert refused.status_code == 403
    assert not Position.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("role", ["non_member", "former_member", "site_admin", "guest_presenter"])
def test_whoever_does_not_read_the_community_learns_nothing_of_its_proposals(client, circle, role):
    community, people, proposal = circle
    caller = Caller(client, people[role])
    for url in (f"/api/communities/{community.slug}/proposals", f"/api/proposals/{proposal.pk}"):
        response = caller.get(url)
        assert response.status_code == 404
        assert TITLE not in response.content.decode()
    answer = caller.put(f"/api/proposals/{proposal.pk}/position", {"stance": "block"})
    assert answer.status_code == 404
    assert not Position.objects.filter(proposal=proposal).exists()


def test_open_and_decided_proposals_are_listed_apart_and_paged(client, circle):
    community, people, proposal = circle
    now = timezone.now()
    Proposal.objects.bulk_create(
        Proposal(
            community=community,
            proposed_by=people["member"],
            title=f"Decided {n}",
            body="Done.",
            status="passed",
            deadline=now - dt.timedelta(days=1),
        )
        for n in range(25)
    )
    mona = Caller(client, people["member"])
    opened = mona.get(f"/api/communities/{community.slug}/proposals").json()
    assert [row["title"] for row in opened["items"]] == [TITLE]
    assert opened["next"] is None

    base = f"/api/communities/{community.slug}/proposals?state=decided"
    first = mona.get(base).json()
    assert len(first["items"]) == 20
    rest = mona.get(f"{base}&after={quote(first['next'])}").json()
    assert len(rest["items"]) == 5 and rest["next"] is None
    titles = {row["title"] for row in first["items"] + rest["items"]}
    assert titles == {f"Decided {n}" for n in range(25)}


# Every call costs the caller's 2: the token and the user (the rate count is
# kept in memory here). The list then runs 3 of its own (the community, standings, the
# proposals) and the proposal 6 (itself, standings, the voters, positions,
# their replies, revisions).
CALLER = 2
LIMITS = {"list": CALLER + 3, "proposal": CALLER + 6}


@pytest.mark.usefixtures("cache_in_memory")
@pytest.mark.parametrize("size", SIZES)
def test_the_list_and_a_proposal_run_the_same_queries_at_any_size(
    client, db, django_assert_max_num_queries, size
):
    world = World()
    headers = bearer(token_for(world.member, scopes=["read"]))
    urls = {
        "list": f"/api/communities/{world.community.slug}/proposals?state=decided",
        "proposal": f"/api/proposals/{world.proposal.pk}",
    }
    world.grow(SIZES[0])
    client.get("/api/me", **headers)  # the token's first use is noted once
    baseline = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(url, **headers)
        baseline[name] = len(captured)
    world.grow(size)
    for name, url in urls.items():
        with django_assert_max_num_queries(LIMITS[name]) as captured:
            response = client.get(url, **headers)
        assert response.status_code == 200
        assert len(captured) == baseline[name], name
