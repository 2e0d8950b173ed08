"""Peer nominations: a member nominates, the facilitators invite, decline, or
put it to the members; the address stays with the nominator and the facilitators."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse.core import permissions
from copse.decisions import nominations, services
from copse.decisions.models import PeerNomination, Proposal
from copse.memberships.models import Invitation


@pytest.fixture
def circle(roles):
    community, people = roles
    community.members_nominate_peers = True
    community.save(update_fields=["members_nominate_peers"])
    return community, people


def _nominate(people, community, email="nina@example.org"):
    return nominations.nominate(
        actor=people["member"],
        community=community,
        name="Nina Nominee",
        email=email,
        reason="She rebuilt her university's research office.",
    )


def test_members_nominate_only_where_the_settings_allow(roles):
    community, people = roles
    with pytest.raises(nominations.NotAllowed, match="settings allow"):
        _nominate(people, community)


def test_one_open_nomination_per_address_and_never_a_member(circle):
    community, people = circle
    _nominate(people, community, email="Nina@Example.org")
    with pytest.raises(nominations.NominationError, match="already nominated"):
        _nominate(people, community, email="nina@example.org")
    with pytest.raises(nominations.NominationError, match="already a member"):
        _nominate(people, community, email="facilitator@example.com")
    with pytest.raises(nominations.NotAllowed):
        nominations.nominate(
            actor=people["delegate"],
            community=community,
            name="X",
            email="x@example.org",
            reason="y",
        )


def test_the_facilitator_invites_through_the_ordinary_invitation(
    circle, mailoutbox, django_capture_on_commit_callbacks
):
    community, people = circle
    nomination = _nominate(people, community)
    with django_capture_on_commit_callbacks(execute=True):
        nominations.invite(actor=people["facilitator"], nomination=nomination, message="Welcome!")
    nomination.refresh_from_db()
    assert nomination.status == "invited"
    invitation = Invitation.objects.get(email="nina@example.org")
    assert nomination.invitation == invitation
    assert invitation.invited_by == people["facilitator"]
    assert [m.to for m in mailoutbox] == [["nina@example.org"]]


def test_only_facilitators_decide_and_a_decline_needs_a_note(circle):
    community, people = circle
    nomination = _nominate(people, community)
    with pytest.raises(nominations.NotAllowed):
        nominations.invite(actor=people["member"], nomination=nomination)
    with pytest.raises(nominations.NominationError, match="Say why"):
        nominations.decline(actor=people["facilitator"], nomination=nomination, note="")
    nominations.decline(actor=people["facilitator"], nomination=nomination, note="We are full.")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decision_note) == ("declined", "We are full.")


def _ask(people, nomination):
    return nominations.put_to_members(
        actor=people["facilitator"],
        nomination=nomination,
        rule="consent",
        deadline=timezone.now() + dt.timedelta(days=7),
    )


def test_put_to_the_members_the_proposal_names_the_peer_but_not_the_address(circle):
    community, people = circle
    nomination = _nominate(people, community)
    proposal = _ask(people, nomination)
    assert proposal.kind == Proposal.Kind.FREE
    assert proposal.peer_nomination == nomination
    assert "Nina Nominee" in proposal.title
    assert "nina@example.org" not in proposal.title + proposal.body
    nomination.refresh_from_db()
    assert nomination.status == "proposed"
    # While the members decide, the facilitators wait.
    with pytest.raises(nominations.NominationError, match="members are deciding"):
        nominations.invite(actor=people["facilitator"], nomination=nomination)


def test_when_the_members_agree_a_facilitator_sends_the_invitation(circle):
    community, people = circle
    nomination = _nominate(people, community)
    proposal = _ask(people, nomination)
    services.take_position(actor=people["member"], proposal=proposal, stance="agree")
    services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))
    nomination.refresh_from_db()
    assert nominations.members_answer(nomination) == "agreed"
    # Nothing is sent by itself.
    assert not Invitation.objects.filter(email="nina@example.org").exists()
    with pytest.raises(nominations.NominationError, match="agreed"):
        nominations.decline(actor=people["facilitator"], nomination=nomination, note="No.")
    nominations.invite(actor=people["facilitator"], nomination=nomination)
    assert Invitation.objects.filter(email="nina@example.org").exists()


def test_when_the_members_do_not_agree_it_can_only_be_declined(circle):
    community, people = circle
    nomination = _nominate(people, community)
    proposal = _ask(people, nomination)
    services.take_position(
        actor=people["member"], proposal=proposal, stance="block", reason="Not this year."
    )
    services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))
    nomination.refresh_from_db()
    with pytest.raises(nominations.NominationError, match="did not agree"):
        nominations.invite(actor=people["facilitator"], nomination=nomination)
    nominations.decline(
        actor=people["facilitator"], nomination=nomination, note="The members said no."
    )


def test_the_address_is_for_the_nominator_and_the_facilitators(client, circle):
    community, people = circle
    nomination = _nominate(people, community)
    url = reverse("decisions:nomination", args=[community.slug, nomination.pk])
    for role in ("member", "facilitator"):
        client.force_login(people[role])
        assert b"nina@example.org" in client.get(url).content
    other = PeerNomination.objects.create(
        community=community,
        nominated_by=people["facilitator"],
        name="Oscar",
        email="oscar@example.org",
        reason="Why not.",
    )
    client.force_login(people["member"])
    assert (
        client.get(reverse("decisions:nomination", args=[community.slug, other.pk])).status_code
        == 404
    )
    listing = client.get(reverse("decisions:nominations", args=[community.slug])).content
    assert b"Nina Nominee" in listing and b"Oscar" not in listing
    for role in ("delegate", "site_admin", "non_member"):
        client.force_login(people[role])
        assert client.get(url).status_code == 404
    # The proposal the members read does not carry it either.
    proposal = _ask(people, nomination)
    client.force_login(people["member"])
    assert b"nina@example.org" not in client.get(proposal.get_absolute_url()).content


def test_the_members_page_links_to_nominating(client, circle):
    community, people = circle
    client.force_login(people["member"])
    page = client.get(reverse("communities:members", args=[community.slug]))
    assert reverse("decisions:nomination_new", args=[community.slug]).encode() in page.content


def test_bad_input_keeps_what_was_typed(client, circle):
    community, people = circle
    client.force_login(people["member"])
    url = reverse("decisions:nomination_new", args=[community.slug])
    bad = client.post(url, {"name": "Nina Nominee", "email": "not-an-address", "reason": "Great."})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Nina Nominee" in html and "not-an-address" in html
    good = client.post(url, {"name": "Nina", "email": "nina@example.org", "reason": "Great."})
    assert good.status_code == 302
    nomination = PeerNomination.objects.get()
    client.force_login(people["facilitator"])
    decline = reverse("decisions:nomination_decline", args=[community.slug, nomination.pk])
    assert client.post(decline, {"note": ""}).status_code == 400


def _page_queries(captured) -> int:
    """The page's own queries: the session's once-a-minute bookkeeping aside."""
    noise = ("django_session", "SAVEPOINT", "mailing_mailsettings")
    return sum(1 for q in captured.captured_queries if not any(n in q["sql"] for n in noise))


def test_the_list_runs_a_fixed_number_of_queries(client, circle, django_assert_max_num_queries):
    community, people = circle
    client.force_login(people["facilitator"])
    url = reverse("decisions:nominations", args=[community.slug])
    counts = []
    for size in (1, 20):
        for n in range(size):
            nomination = nominations.nominate(
                actor=people["member"],
                community=community,
                name=f"Peer {n}",
                email=f"peer{size}-{n}@example.org",
                reason="Good.",
            )
            if n % 2 == 0:
                permissions.forget_standings(people["facilitator"])
                _ask(people, nomination)
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(_page_queries(captured))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(12):
        client.get(url)
