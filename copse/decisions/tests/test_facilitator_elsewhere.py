"""A facilitator of another community is a stranger here. Every decisions
URL of the authorization matrix, asked by her about the matrix's
confidential community, answers as it answers any non-member; asked through
her own community's address with this community's proposal, poll,
amendment, nomination or join request, it is not found. Nothing she sends
changes anything, and no page shows her a word of what is decided here."""

import pytest
from django.urls import reverse

from copse import testing
from copse.core.tests.authorization import SECRET, expected_for
from copse.core.tests.test_authorization_matrix import MATRIX
from copse.decisions.models import (
    Amendment,
    AmendmentComment,
    CommunityProposal,
    DateAnswer,
    DatePoll,
    Nudge,
    PeerNomination,
    Position,
    PositionReply,
    Proposal,
)
from copse.meetings.models import Meeting
from copse.memberships.models import Invitation, JoinRequest, Membership

ROWS = {name: row for name, row in MATRIX.items() if name.startswith("decisions:")}


@pytest.fixture
def elsewhere(world):  # the matrix's world (conftest.py)
    community, people, ctx = world
    other = testing.make_community(slug="elsewhere", name="Elsewhere CoP", visibility="members")
    other.members_nominate_peers = True
    other.save(update_fields=["members_nominate_peers"])
    fiona = testing.make_user("fiona@elsewhere.example", name="Fiona Elsewhere")
    testing.seat(other, fiona, role="facilitator")
    return community, ctx, fiona


def _everything():
    """What any decisions action could change, in the matrix's community and beyond."""
    return {
        "proposals": sorted(Proposal.objects.values_list("pk", "status", "title", "revision")),
        "positions": sorted(Position.objects.values_list("pk", "stance", "reason")),
        "replies": PositionReply.objects.count(),
        "nudges": Nudge.objects.count(),
        "polls": sorted(DatePoll.objects.values_list("pk", "status")),
        "poll answers": sorted(DateAnswer.objects.values_list("pk", "answer")),
        "amendments": sorted(Amendment.objects.values_list("pk", "status")),
        "amendment comments": AmendmentComment.objects.count(),
        "nominations": sorted(PeerNomination.objects.values_list("pk", "status")),
        "community proposals": sorted(CommunityProposal.objects.values_list("pk", "status")),
        "join requests": sorted(JoinRequest.objects.values_list("pk", "status")),
        "seats": sorted(Membership.objects.values_list("pk", "role", "status")),
        "invitations": Invitation.objects.count(),
        "meetings": Meeting.objects.count(),
    }


def _ask(client, name, kwargs, ctx):
    kwargs_of, method, query, data_of, statuses = ROWS[name]
    url = reverse(name, kwargs=kwargs) + query
    response = getattr(client, method)(url, data_of(ctx) if data_of else {})
    assert SECRET.encode() not in response.content, f"{method.upper()} {url} shows the secret"
    return url, method, response


def test_a_facilitator_elsewhere_is_answered_here_as_any_non_member(client, elsewhere):
    community, ctx, fiona = elsewhere
    client.force_login(fiona)
    before = _everything()
    for name, (kwargs_of, method, _query, _data_of, statuses) in ROWS.items():
        url, method, response = _ask(client, name, kwargs_of(ctx) if kwargs_of else None, ctx)
        want = expected_for(statuses, "non_member")
        assert response.status_code == want, f"{method.upper()} {url}: {response.status_code}"
        if response.status_code == 404:
            assert community.name.encode() not in response.content
    assert _everything() == before


def test_through_her_own_community_she_reaches_nothing_of_this_one(client, elsewhere):
    community, ctx, fiona = elsewhere
    client.force_login(fiona)
    before = _everything()
    asked = 0
    for name, (kwargs_of, _method, _query, _data_of, _statuses) in ROWS.items():
        kwargs = kwargs_of(ctx) if kwargs_of else {}
        if "slug" not in kwargs or set(kwargs) == {"slug"}:
            continue  # her own community's lists and forms are hers to use
        url, method, response = _ask(client, name, {**kwargs, "slug": "elsewhere"}, ctx)
        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
        assert community.name.encode() not in response.content
        asked += 1
    assert asked >= 25
    assert _everything() == before
