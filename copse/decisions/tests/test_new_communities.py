"""Communities proposed by anyone: the case, the site admins' decision, the
proposer seated as first facilitator, and who sees what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from copse import testing
from copse.communities.models import Community
from copse.core import permissions
from copse.decisions import new_communities
from copse.decisions.models import CommunityProposal
from copse.memberships.models import Membership

CASE = {
    "name": "Research Administrators",
    "slug": "research-administrators",
    "purpose": "Heads of research offices learning from each other.",
    "domain": "Research administration",
    "audience": "People who run a university's research office",
    "eligibility": "Director of a research office",
    "kind": "cross",
    "visibility": "members",
    "case": "Grant rules change every year; each office learns alone.",
    "sponsor_name": "Pat Provost",
    "sponsor_role": "Provost, State University",
    "sponsor_email": "provost@university.example",
}


@pytest.fixture
def people(db):
    return {
        "lee": testing.make_user("lee@university.example", name="Lee Chen"),
        "admin": testing.make_site_admin(email="ops@example.com", name="Ada Admin"),
        "other": testing.make_user("other@example.com", name="Olive Other"),
    }


def test_anyone_signed_in_proposes_and_the_case_is_checked(people):
    proposal = new_communities.propose(actor=people["lee"], **CASE)
    assert proposal.status == "pending"
    with pytest.raises(new_communities.CommunityProposalError, match="sponsor"):
        new_communities.propose(actor=people["other"], **{**CASE, "sponsor_name": ""})
    with pytest.raises(new_communities.CommunityProposalError, match="lowercase"):
        new_communities.propose(actor=people["other"], **{**CASE, "slug": "Bad Slug!"})
    testing.make_community(slug="taken")
    with pytest.raises(new_communities.CommunityProposalError, match="taken"):
        new_communities.propose(actor=people["other"], **{**CASE, "slug": "taken"})


def test_approving_creates_it_and_seats_the_proposer_as_first_facilitator(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = new_communities.propose(actor=people["lee"], **CASE)
    with django_capture_on_commit_callbacks(execute=True):
        new_communities.approve(actor=people["admin"], proposal=proposal, note="Welcome.")
    proposal.refresh_from_db()
    community = Community.objects.get(slug="research-administrators")
    assert proposal.status == "approved" and proposal.community == community
    assert community.visibility == "members"
    seat = Membership.objects.get(community=community)
    assert (seat.user, seat.role, seat.status) == (people["lee"], "facilitator", "active")
    assert not Membership.objects.filter(community=community, user=people["admin"]).exists()
    # Besides the announcement every seat given by a site admin brings.
    told = [m for m in mailoutbox if "you facilitate it" in m.subject]
    assert [m.to for m in told] == [["lee@university.example"]]
    assert "Welcome." in told[0].body
    assert "/c/research-administrators/" in told[0].body


def test_a_decline_needs_a_note_and_the_proposer_is_told(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = new_communities.propose(actor=people["lee"], **CASE)
    with pytest.raises(new_communities.CommunityProposalError, match="note"):
        new_communities.decline(actor=people["admin"], proposal=proposal, note="")
    with django_capture_on_commit_callbacks(execute=True):
        new_communities.decline(
            actor=people["admin"], proposal=proposal, note="The A/O CoP covers this."
        )
    assert not Community.objects.filter(slug="research-administrators").exists()
    assert "The A/O CoP covers this." in mailoutbox[0].body


def test_a_site_admin_never_decides_their_own_proposal(people):
    proposal = new_communities.propose(actor=people["admin"], **CASE)
    with pytest.raises(new_communities.NotAllowed, match="another site administrator"):
        new_communities.approve(actor=people["admin"], proposal=proposal)
    with pytest.raises(new_communities.NotAllowed):
        new_communities.decline(actor=people["admin"], proposal=proposal, note="No.")
    with pytest.raises(new_communities.NotAllowed):
        new_communities.approve(actor=people["other"], proposal=proposal)
    second = testing.make_site_admin(email="ops2@example.com")
    new_communities.approve(actor=second, proposal=proposal)
    assert Membership.objects.get(community__slug=CASE["slug"]).user == people["admin"]


def test_it_is_seen_by_its_proposer_and_the_site_admins_only(client, people):
    proposal = new_communities.propose(actor=people["lee"], **CASE)
    url = reverse("decisions:community_proposal", args=[proposal.pk])
    for who, status in (("lee", 200), ("admin", 200), ("other", 404)):
        client.force_login(people[who])
        assert client.get(url).status_code == status, who
    client.force_login(people["other"])
    assert (
        b"Research Administrators"
        not in client.get(reverse("decisions:community_proposals")).content
    )


def test_the_form_keeps_what_was_typed_and_links_from_the_directory(client, people):
    client.force_login(people["lee"])
    directory = client.get(reverse("communities:directory"))
    assert reverse("decisions:community_propose").encode() in directory.content
    bad = client.post(reverse("decisions:community_propose"), {**CASE, "sponsor_name": ""})
    assert bad.status_code == 400
    assert "Grant rules change every year" in bad.content.decode()
    good = client.post(reverse("decisions:community_propose"), CASE)
    assert good.status_code == 302
    assert CommunityProposal.objects.get().proposed_by == people["lee"]


def test_the_admin_decides_from_the_queue_linked_from_the_programme(client, people):
    proposal = new_communities.propose(actor=people["lee"], **CASE)
    client.force_login(people["admin"])
    programme = client.get(reverse("communities:programme"))
    assert reverse("decisions:community_queue").encode() in programme.content
    queue = client.get(reverse("decisions:community_queue"))
    assert b"Research Administrators" in queue.content
    refused = client.post(
        reverse("decisions:community_proposal_decline", args=[proposal.pk]), {"note": ""}
    )
    assert refused.status_code == 400
    approved = client.post(
        reverse("decisions:community_proposal_approve", args=[proposal.pk]), {"note": "Go."}
    )
    assert approved.status_code == 302
    permissions.forget_standings(people["lee"])
    assert permissions.standing(
        people["lee"], Community.objects.get(slug=CASE["slug"])
    ).is_facilitator


def test_the_queue_runs_a_fixed_number_of_queries(client, people, django_assert_max_num_queries):
    client.force_login(people["admin"])
    url = reverse("decisions:community_queue")
    counts = []
    for size in (1, 15):
        for n in range(size):
            proposer = testing.make_user(organisation=testing.make_organisation())
            proposal = new_communities.propose(
                actor=proposer, **{**CASE, "slug": f"research-{size}-{n}"}
            )
            if n % 2 == 0:
                new_communities.decline(actor=people["admin"], proposal=proposal, note="No.")
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(sum(1 for q in captured.captured_queries if "django_session" not in q["sql"]))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(10):
        client.get(url)
