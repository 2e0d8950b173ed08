"""Proposals through the services: opening, positions, closing by each rule,
outcomes, and what passing changes."""

import datetime as dt

import pytest
from django.utils import timezone

from copse import testing
from copse.core import permissions
from copse.decisions import services
from copse.decisions.models import Position, Proposal
from copse.norms.services import accept_current_norms, publish_norms


def _open(actor, community, **fields):
    values = {
        "title": "Meet quarterly in person",
        "body": "Monthly online, quarterly in person, hosted in turn.",
        "deadline": timezone.now() + dt.timedelta(days=7),
        **fields,
    }
    return services.create_proposal(actor=actor, community=community, **values)


def _close(proposal):
    later = proposal.deadline + dt.timedelta(seconds=1)
    return services.close_if_due(proposal.pk, now=later)


def test_a_member_opens_a_proposal_and_everyone_who_may_answer_is_asked(
    roles, django_capture_on_commit_callbacks
):
    community, people = roles
    with django_capture_on_commit_callbacks(execute=True):
        proposal = _open(people["member"], community)
    assert proposal.status == "open"
    from copse.notifications.models import Notification

    asked = set(
        Notification.objects.filter(kind="proposal", target_id=proposal.pk).values_list(
            "user__email", flat=True
        )
    )
    # The proposer is not asked by themselves; delegates and guests are not asked.
    assert asked == {"facilitator@example.com"}


def test_a_block_needs_a_reason_and_consent_fails_while_it_stands(roles):
    community, people = roles
    proposal = _open(people["member"], community)
    with pytest.raises(services.ProposalError, match="Say why you block"):
        services.take_position(actor=people["facilitator"], proposal=proposal, stance="block")
    services.take_position(
        actor=people["facilitator"], proposal=proposal, stance="block", reason="Travel budget."
    )
    closed = _close(proposal)
    assert closed.status == "not_passed"
    assert "A block stood" in closed.result


def test_a_withdrawn_block_lets_consent_pass(roles):
    community, people = roles
    proposal = _open(people["member"], community)
    services.take_position(
        actor=people["facilitator"], proposal=proposal, stance="block", reason="Travel budget."
    )
    services.withdraw_block(actor=people["facilitator"], proposal=proposal)
    assert Position.objects.get(user=people["facilitator"]).stance == "abstain"
    assert _close(proposal).status == "passed"


def test_positions_are_refused_after_the_deadline_and_from_non_voters(roles):
    community, people = roles
    proposal = _open(people["member"], community)
    for role in ("delegate", "guest_presenter", "former_member", "site_admin", "non_member"):
        with pytest.raises(services.NotAllowed):
            services.take_position(actor=people[role], proposal=proposal, stance="agree")
    _close(proposal)
    with pytest.raises(services.ProposalError, match="has closed"):
        services.take_position(actor=people["facilitator"], proposal=proposal, stance="agree")


def test_closing_twice_does_nothing_the_second_time(roles):
    community, people = roles
    proposal = _open(people["member"], community)
    assert _close(proposal) is not None
    assert _close(proposal) is None


def test_a_passed_norms_change_publishes_a_version_everyone_must_accept(roles):
    community, people = roles
    publish_norms(
        actor=people["facilitator"], community=community, body="# Norms\n\nBe kind.", change_note=""
    )
    accept_current_norms(actor=people["member"], community=community)
    proposal = _open(
        people["member"],
        community,
        kind="norms",
        title="Add Chatham House",
        norms_text="# Norms\n\nBe kind.\n\nWhat is said here stays here.",
    )
    services.take_position(actor=people["facilitator"], proposal=proposal, stance="agree")
    closed = _close(proposal)
    community.refresh_from_db()
    assert closed.status == "passed" and closed.applied_at is not None
    assert community.norms_version == 2
    assert "stays here" in community.norms_versions.get(number=2).body
    for role in ("member", "facilitator"):
        permissions.forget_standings(people[role])
        assert not permissions.can(people[role], "community.contribute", community)


def test_the_outcome_is_written_by_the_proposer_or_a_facilitator_and_announced(
    roles, django_capture_on_commit_callbacks
):
    community, people = roles
    proposal = _open(people["member"], community)
    closed = _close(proposal)
    with pytest.raises(services.NotAllowed):
        services.write_outcome(
            actor=people["delegate"], proposal=closed, outcome="x", review_on=None
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.write_outcome(
            actor=people["member"],
            proposal=closed,
            outcome="We meet quarterly in person from March.",
            review_on=timezone.localdate() + dt.timedelta(days=180),
        )
    from copse.notifications.models import Notification

    told = set(
        Notification.objects.filter(kind="decided", target_id=proposal.pk).values_list(
            "user__email", flat=True
        )
    )
    assert told == {"facilitator@example.com", "delegate@example.com"}


def test_a_review_date_brings_the_decision_back_to_the_backlog(client, roles):
    community, people = roles
    proposal = _close(_open(people["member"], community))
    services.write_outcome(
        actor=people["member"],
        proposal=proposal,
        outcome="Agreed.",
        review_on=timezone.localdate() + dt.timedelta(days=30),
    )
    from copse.decisions.reviews import bring_back_due

    assert bring_back_due(today=timezone.localdate()) == 0
    assert bring_back_due(today=timezone.localdate() + dt.timedelta(days=30)) == 1
    proposal.refresh_from_db()
    assert proposal.review_topic.title.startswith("Review our decision: ")
    assert bring_back_due(today=timezone.localdate() + dt.timedelta(days=31)) == 0
    client.force_login(people["member"])
    backlog = client.get(f"/c/{community.slug}/topics/").content.decode()
    assert "Review our decision: Meet quarterly in person" in backlog
    assert f'<a href="{proposal.get_absolute_url()}">Read the decision and why</a>' in backlog


def test_a_facilitator_decides_under_the_facilitator_rule(roles):
    community, people = roles
    proposal = _open(people["member"], community, rule="facilitator")
    closed = _close(proposal)
    assert closed.status == "awaiting"
    with pytest.raises(services.NotAllowed):
        services.decide_as_facilitator(
            actor=people["member"], proposal=closed, passed=True, outcome="Yes."
        )
    decided = services.decide_as_facilitator(
        actor=people["facilitator"], proposal=closed, passed=True, outcome="Heard all; yes."
    )
    assert decided.status == "passed" and decided.outcome == "Heard all; yes."


def test_making_the_community_less_private_is_always_by_consent(roles):
    community, people = roles
    proposal = _open(
        people["member"], community, kind="visibility", rule="majority", new_visibility="members"
    )
    assert proposal.rule == Proposal.Rule.CONSENT
    services.take_position(actor=people["facilitator"], proposal=proposal, stance="agree")
    _close(proposal)
    community.refresh_from_db()
    assert community.visibility == "members"


def test_a_nominated_facilitator_must_accept(roles):
    community, people = roles
    other = testing.make_user(name="Nia Nominee")
    testing.seat(community, other)
    proposal = _open(people["member"], community, kind="facilitator", nominee=other)
    closed = _close(proposal)
    assert closed.status == "passed"
    permissions.forget_standings(other)
    assert not permissions.standing(other, community).is_facilitator
    services.answer_nomination(actor=other, proposal=closed, accept=True)
    permissions.forget_standings(other)
    assert permissions.standing(other, community).is_facilitator


def test_where_only_facilitators_propose_a_member_is_told_why_and_still_answers(client, roles):
    community, people = roles
    community.who_may_propose = "facilitators"
    community.save(update_fields=["who_may_propose"])
    with pytest.raises(services.NotAllowed, match="only facilitators make proposals"):
        _open(people["member"], community)
    proposal = _open(people["facilitator"], community)
    services.take_position(actor=people["member"], proposal=proposal, stance="agree")

    client.force_login(people["member"])
    listing = client.get(f"/c/{community.slug}/decisions/").content.decode()
    assert "Make a proposal" not in listing and proposal.title in listing
    assert client.get(f"/c/{community.slug}/decisions/new/").status_code == 404
    client.force_login(people["facilitator"])
    assert "Make a proposal" in client.get(f"/c/{community.slug}/decisions/").content.decode()
    assert client.get(f"/c/{community.slug}/decisions/new/").status_code == 200


def test_a_passed_goals_change_rewrites_the_purpose_and_goals(roles):
    from copse.audit.models import AuditEntry

    community, people = roles
    proposal = _open(
        people["member"],
        community,
        kind="goals",
        title="Say what we are for now",
        new_purpose="Peers who run IT in mid-sized companies, learning from each other's projects.",
        new_goals="- one shared contract position a year\n- a site visit each quarter",
    )
    services.take_position(actor=people["facilitator"], proposal=proposal, stance="agree")
    closed = _close(proposal)
    community.refresh_from_db()
    assert closed.status == "passed" and closed.applied_at is not None
    assert community.purpose.startswith("Peers who run IT in mid-sized companies")
    assert community.goals.endswith("a site visit each quarter")
    entry = AuditEntry.objects.get(action="community.settings_decided")
    assert entry.detail["proposal"] == proposal.pk
    assert set(entry.detail["changes"]) == {"purpose", "goals"}


def test_a_goals_change_that_did_not_pass_leaves_them_as_they_were(roles):
    community, people = roles
    purpose, goals = community.purpose, community.goals
    proposal = _open(
        people["member"], community, kind="goals", new_purpose="Something else entirely."
    )
    services.take_position(
        actor=people["facilitator"], proposal=proposal, stance="block", reason="Too narrow."
    )
    assert _close(proposal).status == "not_passed"
    community.refresh_from_db()
    assert (community.purpose, community.goals) == (purpose, goals)


def test_a_free_decision_is_recorded_and_changes_nothing_in_copse(roles):
    from copse.audit.models import AuditEntry
    from copse.communities.services import SETTINGS_FIELDS
    from copse.memberships.models import Membership

    community, people = roles

    def state():
        community.refresh_from_db()
        seats = sorted(Membership.objects.values_list("user_id", "role", "status"))
        return {f: getattr(community, f) for f in SETTINGS_FIELDS}, community.norms_version, seats

    before = state()
    proposal = _open(people["member"], community)
    assert proposal.kind == "free"
    services.take_position(actor=people["facilitator"], proposal=proposal, stance="agree")
    closed = _close(proposal)
    assert closed.status == "passed"
    assert closed.applied_at is None and closed.apply_problem == ""
    assert state() == before
    assert AuditEntry.objects.filter(
        action="proposal.closed", detail__proposal=proposal.pk, detail__status="passed"
    ).exists()


@pytest.mark.parametrize("rule", ["majority", "facilitator"])
def test_a_change_that_became_less_private_while_open_needs_consent(client, db, rule):
    """Made more private by a count or a facilitator's word, which is allowed;
    but the community was made more private still while it was open, so
    applying it now would make the community less private without consent."""
    from copse.communities.services import update_settings

    community = testing.make_community(visibility="open")
    fay, mona = testing.make_user(name="Fay"), testing.make_user(name="Mona")
    testing.seat(community, fay, role="facilitator")
    testing.seat(community, mona)
    proposal = _open(
        mona,
        community,
        kind="visibility",
        rule=rule,
        title="Members only from now on",
        new_visibility="members",
    )
    assert proposal.rule == rule  # more private: any rule may decide it
    update_settings(actor=fay, community=community, visibility="confidential")
    client.force_login(mona)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "was made more private after this was proposed" in page
    services.take_position(actor=fay, proposal=proposal, stance="agree")
    services.take_position(actor=mona, proposal=proposal, stance="agree")
    closed = _close(proposal)
    if rule == "facilitator":
        closed = services.decide_as_facilitator(
            actor=fay, proposal=closed, passed=True, outcome="Heard everyone: members only."
        )
    community.refresh_from_db()
    assert closed.status == "passed"
    assert community.visibility == "confidential"
    assert closed.applied_at is None and "consent" in closed.apply_problem


def test_a_facilitators_nudge_reaches_only_those_who_have_not_answered_once_a_day(
    client, roles, django_capture_on_commit_callbacks
):
    from copse.notifications.models import Notification

    community, people = roles
    quiet, answered = testing.make_user(name="Quinn Quiet"), testing.make_user(name="Ann Answered")
    testing.seat(community, quiet)
    testing.seat(community, answered)
    proposal = _open(people["member"], community)
    services.take_position(actor=answered, proposal=proposal, stance="agree")
    services.take_position(actor=people["member"], proposal=proposal, stance="agree")

    client.force_login(people["facilitator"])
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Not answered yet (2)" in page and "Quinn Quiet" in page
    assert "Remind them" in page
    url = f"/c/{community.slug}/decisions/{proposal.pk}/nudge/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Those who have not answered were reminded" in response.content.decode()
    nudged = set(
        Notification.objects.filter(kind="proposal_nudge", target_id=proposal.pk).values_list(
            "user__email", flat=True
        )
    )
    # The facilitator who nudged is not reminded by herself; whoever answered is not reminded.
    assert nudged == {quiet.email}
    again = client.post(url, follow=True).content.decode()
    assert "reminded less than a day ago" in again
    assert proposal.nudges.count() == 1
    # Members see who has not answered, but no button.
    client.force_login(people["member"])
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Quinn Quiet" in page and "Remind them" not in page
