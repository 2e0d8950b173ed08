"""Where proposals meet the places Copse already decided things: the
community's settings, join requests the members decide, making a community
less private, goals, and a facilitator the members nominate."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.audit.models import AuditEntry
from copse.communities import services as communities
from copse.communities.models import Community
from copse.core import permissions
from copse.decisions import services
from copse.decisions.models import Proposal
from copse.memberships import services as memberships
from copse.memberships.models import Membership
from copse.notifications.models import Notification


@pytest.fixture
def guild(db):
    """A members-only community whose members decide who joins."""
    community = testing.make_community(
        slug="guild", name="Principals' Guild", visibility="members", join_policy="members"
    )
    contoso = testing.make_organisation("Contoso School")
    people = {
        "fay": testing.make_user("fay@example.com", name="Fay Facilitator"),
        "mona": testing.make_user("mona@example.com", name="Mona Member"),
        "rita": testing.make_user("rita@example.com", name="Rita Requester", organisation=contoso),
        "ada": testing.make_site_admin(email="ada@example.com", name="Ada Admin"),
    }
    testing.seat(community, people["fay"], role="facilitator")
    testing.seat(community, people["mona"])
    return community, people


def _ask(community, user, note="I lead a school of 600 and want to learn from peers."):
    return memberships.request_to_join(actor=user, community=community, note=note)


def _close(proposal):
    return services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))


def _forget(*people):
    for person in people:
        permissions.forget_standings(person)


# --- Settings ------------------------------------------------------------------------


def _settings_data(community, **changes):
    data = {
        "name": community.name,
        "purpose": community.purpose,
        "goals": community.goals,
        "topic_areas": "\n".join(community.topic_areas),
        "kind": community.kind,
        "visibility": community.visibility,
        "join_policy": community.join_policy,
        "eligibility": community.eligibility,
        "per_organisation_cap": "",
        "size_cap": "",
        "meeting_cadence": "",
        "who_may_propose": community.who_may_propose,
        "norms_review_months": community.norms_review_months,
    }
    if community.listed:
        data["listed"] = "on"
    if community.facilitators_adopt_amendments:
        data["facilitators_adopt_amendments"] = "on"
    data.update(changes)
    return data


def test_facilitators_set_how_the_members_decide_in_the_settings(client, db):
    community = testing.make_community(slug="circle", join_policy="request")
    fay = testing.make_user(name="Fay")
    testing.seat(community, fay, role="facilitator")
    client.force_login(fay)
    url = reverse("communities:settings", args=[community.slug])
    page = client.get(url).content.decode()
    for label in (
        "Who may make proposals",
        "Facilitators may adopt norms amendments",
        "Members may nominate peers to invite",
        "Review the norms every",
        "Ask to join; the members decide",
    ):
        assert label in page
    data = _settings_data(
        community,
        who_may_propose="facilitators",
        members_nominate_peers="on",
        norms_review_months="6",
        join_policy="members",
    )
    del data["facilitators_adopt_amendments"]
    assert client.post(url, data).status_code == 302
    community.refresh_from_db()
    assert community.who_may_propose == "facilitators"
    assert community.facilitators_adopt_amendments is False
    assert community.members_nominate_peers is True
    assert community.norms_review_months == 6
    assert community.join_policy == "members"


def test_a_site_admin_may_hand_joining_to_the_members_but_not_open_the_door(guild):
    community, people = guild
    communities.update_settings(actor=people["ada"], community=community, join_policy="request")
    communities.update_settings(actor=people["ada"], community=community, join_policy="members")
    with pytest.raises(communities.CommunityError, match="easier to join"):
        communities.update_settings(actor=people["ada"], community=community, join_policy="open")


def test_the_settings_page_links_to_proposals_for_visibility_and_goals(client, guild):
    community, people = guild
    client.force_login(people["fay"])
    page = client.get(reverse("communities:settings", args=[community.slug])).content.decode()
    new = reverse("decisions:new", args=[community.slug])
    assert f'href="{new}?kind=visibility"' in page
    assert f'href="{new}?kind=goals"' in page
    assert "Members may also propose a change of purpose or goals" in page
    # The goals proposal starts from today's text.
    form = client.get(f"{new}?kind=goals").context["form"]
    assert form.initial["new_purpose"] == community.purpose


def test_a_site_admin_sees_the_rule_but_no_link_to_propose(client, guild):
    community, people = guild
    client.force_login(people["ada"])
    page = client.get(reverse("communities:settings", args=[community.slug])).content.decode()
    assert "changes only when its members consent" in page
    assert "?kind=visibility" not in page


def test_listing_an_unlisted_community_in_the_settings_is_refused_with_a_prefilled_proposal(
    client, guild
):
    community, people = guild
    Community.objects.filter(pk=community.pk).update(listed=False)
    community.refresh_from_db()
    client.force_login(people["fay"])
    url = reverse("communities:settings", args=[community.slug])
    refused = client.post(url, _settings_data(community, listed="on", eligibility="Principals"))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "for its members to consent to" in page
    assert "?kind=visibility&amp;new_listed=1" in page
    assert 'value="Principals"' in page
    community.refresh_from_db()
    assert not community.listed and community.eligibility == ""
    form = client.get(
        reverse("decisions:new", args=[community.slug]) + "?kind=visibility&new_listed=1"
    ).context["form"]
    assert form.initial["new_listed"] == "1"


def test_making_it_more_private_or_unlisted_stays_direct(guild):
    community, people = guild
    communities.update_settings(
        actor=people["fay"], community=community, visibility="confidential", listed=False
    )
    community.refresh_from_db()
    assert (community.visibility, community.listed) == ("confidential", False)


def test_a_facilitator_edits_the_goals_directly(guild):
    community, people = guild
    communities.update_settings(actor=people["fay"], community=community, goals="Share budgets.")
    community.refresh_from_db()
    assert community.goals == "Share budgets."


# --- Admission -----------------------------------------------------------------------


def test_a_request_becomes_an_admission_proposal_the_members_answer(
    guild, settings, django_capture_on_commit_callbacks
):
    community, people = guild
    settings.COPSE_ADMISSION_DAYS = 5
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        join_request = _ask(community, people["rita"])
    proposal = Proposal.objects.get(join_request=join_request)
    assert join_request.members_decide
    assert proposal.kind == "admission" and proposal.rule == "consent"
    assert proposal.proposed_by is None
    assert proposal.title == "Admit Rita Requester (Contoso School)"
    assert proposal.body == join_request.note
    assert before + dt.timedelta(days=5) <= proposal.deadline
    assert proposal.deadline <= timezone.now() + dt.timedelta(days=5)
    asked = set(
        Notification.objects.filter(kind="proposal", target_id=proposal.pk).values_list(
            "user__email", flat=True
        )
    )
    assert asked == {"fay@example.com", "mona@example.com"}
    # The facilitators are not asked to approve it: nobody decides it alone.
    assert not [m for m in mail.outbox if "asks to join" in m.body]


def test_a_request_in_a_facilitator_decided_community_opens_no_proposal(roles):
    community, people = roles
    outsider = testing.make_user()
    Community.objects.filter(pk=community.pk).update(listed=True)
    community.refresh_from_db()
    join_request = _ask(community, outsider)
    assert not join_request.members_decide
    assert not Proposal.objects.filter(kind="admission").exists()


def test_passing_seats_the_requester_who_is_told(guild, django_capture_on_commit_callbacks):
    community, people = guild
    join_request = _ask(community, people["rita"])
    proposal = join_request.proposal
    services.take_position(actor=people["mona"], proposal=proposal, stance="agree")
    services.take_position(actor=people["fay"], proposal=proposal, stance="agree")
    with django_capture_on_commit_callbacks(execute=True):
        closed = _close(proposal)
    assert closed.status == "passed" and closed.applied_at is not None
    membership = Membership.objects.get(community=community, user=people["rita"])
    assert membership.seated_via == Membership.SeatedVia.MEMBERS_DECIDED
    assert membership.seated_by is None and membership.role == "member"
    join_request.refresh_from_db()
    assert join_request.status == "approved"
    (told,) = [m for m in mail.outbox if m.to == ["rita@example.com"]]
    assert "was approved by its members" in told.body
    _forget(people["rita"])
    assert permissions.can(people["rita"], "community.read", community)


def test_a_block_declines_the_request_and_the_requester_is_told(
    guild, django_capture_on_commit_callbacks
):
    community, people = guild
    join_request = _ask(community, people["rita"])
    services.take_position(
        actor=people["mona"],
        proposal=join_request.proposal,
        stance="block",
        reason="We agreed to stay under ten for now.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _close(join_request.proposal).status == "not_passed"
    join_request.refresh_from_db()
    assert join_request.status == "declined"
    (told,) = [m for m in mail.outbox if m.to == ["rita@example.com"]]
    assert "was declined by its members" in told.body
    assert "stay under ten" not in told.body  # the members' reasons stay among them
    assert not Membership.objects.filter(community=community, user=people["rita"]).exists()


def test_withdrawing_the_request_withdraws_the_proposal(client, guild):
    community, people = guild
    join_request = _ask(community, people["rita"])
    client.force_login(people["rita"])
    home = client.get(community.get_absolute_url()).content.decode()
    assert "Your request is with the members" in home
    response = client.post(reverse("memberships:withdraw_request", args=[community.slug]))
    assert response.status_code == 302
    proposal = Proposal.objects.get(join_request=join_request)
    assert proposal.status == "withdrawn"
    assert "withdrew the request" in proposal.result
    join_request.refresh_from_db()
    assert join_request.status == "withdrawn"
    # Closing later changes nothing, and positions are refused.
    assert _close(proposal) is None
    with pytest.raises(services.ProposalError):
        services.take_position(actor=people["mona"], proposal=proposal, stance="agree")


def test_facilitators_cannot_bypass_the_members(client, guild):
    community, people = guild
    join_request = _ask(community, people["rita"])
    for approve in (True, False):
        with pytest.raises(memberships.NotAllowed, match="The members decide"):
            memberships.decide_request(
                actor=people["fay"], join_request=join_request, approve=approve
            )
    client.force_login(people["fay"])
    response = client.post(
        reverse("memberships:decide", args=[community.slug, join_request.pk]),
        {"decision": "decline"},
    )
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == "pending"
    # Nor withdraw the admission proposal: a block is the way to stop it.
    assert not permissions.can(people["fay"], "proposal.withdraw", join_request.proposal)


def test_the_manage_page_says_the_members_are_deciding_with_a_link(client, guild):
    community, people = guild
    join_request = _ask(community, people["rita"])
    client.force_login(people["fay"])
    page = client.get(reverse("memberships:manage", args=[community.slug])).content.decode()
    link = reverse("decisions:admission", args=[community.slug, join_request.pk])
    assert "The members are deciding." in page and f'href="{link}"' in page
    assert 'value="approve"' not in page
    followed = client.get(link)
    assert followed["Location"] == join_request.proposal.get_absolute_url()


def test_a_site_admin_sees_that_the_members_decide_but_not_their_proposal(client, guild):
    community, people = guild
    join_request = _ask(community, people["rita"])
    client.force_login(people["ada"])
    page = client.get(reverse("memberships:manage", args=[community.slug])).content.decode()
    assert "The members are deciding." in page
    link = reverse("decisions:admission", args=[community.slug, join_request.pk])
    assert link not in page
    assert client.get(link).status_code == 404
    assert client.get(join_request.proposal.get_absolute_url()).status_code == 404


def test_the_requester_never_sees_the_admission_proposal(client, guild):
    community, people = guild
    join_request = _ask(community, people["rita"])
    client.force_login(people["rita"])
    assert client.get(join_request.proposal.get_absolute_url()).status_code == 404
    link = reverse("decisions:admission", args=[community.slug, join_request.pk])
    assert client.get(link).status_code == 404


def test_a_request_to_another_community_is_not_found_through_this_one(client, guild):
    community, people = guild
    join_request = _ask(community, people["rita"])
    other = testing.make_community(slug="other", visibility="members")
    testing.seat(other, people["mona"])
    client.force_login(people["mona"])
    link = reverse("decisions:admission", args=[other.slug, join_request.pk])
    assert client.get(link).status_code == 404


def test_the_requester_is_told_the_request_is_with_the_members(client, guild):
    community, people = guild
    client.force_login(people["rita"])
    response = client.post(
        reverse("memberships:request", args=[community.slug]), {"note": "Hello"}, follow=True
    )
    assert "Your request is with the members" in response.content.decode()


def test_a_full_community_records_why_the_admission_could_not_seat(guild):
    community, people = guild
    join_request = _ask(community, people["rita"])
    Community.objects.filter(pk=community.pk).update(size_cap=2)
    closed = _close(join_request.proposal)
    assert closed.status == "passed"
    assert closed.apply_problem and closed.applied_at is None
    assert not Membership.objects.filter(community=community, user=people["rita"]).exists()


def test_a_request_after_the_policy_changed_keeps_the_way_it_was_asked(guild):
    community, people = guild
    join_request = _ask(community, people["rita"])
    communities.update_settings(actor=people["fay"], community=community, join_policy="request")
    with pytest.raises(memberships.NotAllowed, match="The members decide"):
        memberships.decide_request(actor=people["fay"], join_request=join_request, approve=True)


# --- Facilitator nomination ----------------------------------------------------------


def _nominate(client, community, proposer, nominee):
    client.force_login(proposer)
    deadline = timezone.localtime() + dt.timedelta(days=2)
    response = client.post(
        reverse("decisions:new", args=[community.slug]),
        {
            "kind": "facilitator",
            "title": f"{nominee.name} facilitates with Fay",
            "body": "She has hosted three meetings already.",
            "rule": "consent",
            "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "nominee": str(nominee.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Proposal.objects.get(kind="facilitator")


def test_a_nominee_is_told_accepts_on_the_proposal_page_and_facilitates(
    client, guild, django_capture_on_commit_callbacks
):
    community, people = guild
    nina = testing.make_user("nina@example.com", name="Nina Nominee")
    testing.seat(community, nina)
    proposal = _nominate(client, community, people["mona"], nina)
    with django_capture_on_commit_callbacks(execute=True):
        _close(proposal)
    (notice,) = Notification.objects.filter(user=nina, kind="nominated")
    client.force_login(nina)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f"“{proposal.title}” nominated you as facilitator" in inbox
    opened = client.get(reverse("notifications:open", args=[notice.pk]))
    assert opened["Location"] == proposal.get_absolute_url()
    page = client.get(opened["Location"]).content.decode()
    assert "Do you accept?" in page
    accepted = client.post(
        reverse("decisions:answer_nomination", args=[community.slug, proposal.pk]), {"accept": "1"}
    )
    assert accepted.status_code == 302
    _forget(nina)
    assert permissions.standing(nina, community).is_facilitator
    assert AuditEntry.objects.filter(action="membership.facilitator_elected").exists()


def test_a_nominee_who_declines_leaves_things_as_they_were(client, guild):
    community, people = guild
    nina = testing.make_user(name="Nina Nominee")
    testing.seat(community, nina)
    proposal = _nominate(client, community, people["mona"], nina)
    _close(proposal)
    client.force_login(nina)
    client.post(
        reverse("decisions:answer_nomination", args=[community.slug, proposal.pk]), {"accept": "0"}
    )
    _forget(nina)
    assert permissions.standing(nina, community).role == "member"
    proposal.refresh_from_db()
    assert proposal.nominee_accepted is False
    assert not permissions.can(nina, "proposal.answer_nomination", proposal)


def test_a_nominee_who_left_meanwhile_cannot_accept(client, guild):
    community, people = guild
    nina = testing.make_user(name="Nina Nominee")
    testing.seat(community, nina)
    proposal = _nominate(client, community, people["mona"], nina)
    _close(proposal)
    memberships.leave(actor=nina, community=community)
    _forget(nina)
    client.force_login(nina)
    response = client.post(
        reverse("decisions:answer_nomination", args=[community.slug, proposal.pk]), {"accept": "1"}
    )
    assert response.status_code == 404
    with pytest.raises(services.NotAllowed):
        services.answer_nomination(actor=nina, proposal=proposal, accept=True)
    membership = Membership.objects.get(community=community, user=nina)
    assert membership.role == "member" and membership.status == "left"


def test_a_pending_request_from_the_requesters_point_of_view_in_a_facilitator_community(
    client, roles
):
    community, people = roles
    client.force_login(people["requester"])
    page = client.get(community.get_absolute_url()).content.decode()
    assert "A facilitator will decide." in page
    assert "Withdraw my request" in page


def _manage_page_queries(client, community, facilitator, n):
    client.force_login(facilitator)
    url = reverse("memberships:manage", args=[community.slug])
    client.get(url)  # sessions and caches warm
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert page.count("The members are deciding.") == n
    return len(captured)


def test_the_manage_page_runs_the_same_queries_for_one_or_many_admissions(
    client, guild, django_assert_max_num_queries
):
    community, people = guild
    _ask(community, people["rita"])
    one = _manage_page_queries(client, community, people["fay"], 1)
    for _ in range(4):
        _ask(community, testing.make_user(organisation=testing.make_organisation()))
    with django_assert_max_num_queries(one):
        page = client.get(reverse("memberships:manage", args=[community.slug])).content.decode()
    assert page.count("The members are deciding.") == 5
