"""Norms written together: sections, amendments through the services and the
pages, adoption by a facilitator or by a proposal, and older amendments."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from copse import testing
from copse.core import permissions
from copse.decisions import amendments, services
from copse.decisions.models import Amendment, AmendmentComment, Proposal
from copse.norms.models import NormsVersion
from copse.norms.services import accept_current_norms, publish_norms

NORMS = """We are peers; nobody owns this group.

## Confidentiality

What is said here stays here.

## Meetings

Monthly, online. Be on time.
"""


@pytest.fixture
def circle(roles):
    community, people = roles
    publish_norms(
        actor=people["facilitator"], community=community, body=NORMS, change_note="First rules"
    )
    accept_current_norms(actor=people["member"], community=community)
    for user in people.values():
        if user is not None:
            permissions.forget_standings(user)
    return community, people


def _amend(people, community, section="Meetings", text="Monthly online, quarterly in person."):
    return amendments.propose_amendment(
        actor=people["member"],
        community=community,
        section=section,
        text=text,
        note="We never see each other.",
    )


# --- Sections -------------------------------------------------------------------------


def test_sections_are_the_headings_and_the_opening():
    found = amendments.sections(NORMS)
    assert [s.heading for s in found] == ["", "Confidentiality", "Meetings"]
    assert amendments.section_text(NORMS, "Meetings") == "Monthly, online. Be on time."


def test_replacing_a_section_leaves_the_others_as_they_were():
    after = amendments.with_section(NORMS, "Confidentiality", "Nothing leaves the room.")
    assert "Nothing leaves the room." in after
    assert "What is said here stays here." not in after
    assert amendments.section_text(after, "Meetings") == "Monthly, online. Be on time."
    assert after.startswith("We are peers; nobody owns this group.")


def test_a_new_heading_adds_a_section_at_the_end():
    after = amendments.with_section(NORMS, "Phones", "Phones away.")
    assert after.rstrip().endswith("## Phones\n\nPhones away.")


def test_a_hash_inside_a_code_block_is_not_a_heading():
    body = "## Tools\n\n```\n# not a heading\n```\n\n## Meetings\n\nOnline.\n"
    assert [s.heading for s in amendments.sections(body)] == ["Tools", "Meetings"]


_words = st.text(alphabet="abcdefghij ", min_size=1, max_size=20).map(str.strip).filter(bool)


@given(
    headings=st.lists(_words, min_size=1, max_size=5, unique_by=lambda h: h.casefold()),
    bodies=st.lists(_words, min_size=5, max_size=5),
    pick=st.integers(min_value=0, max_value=4),
    new=_words,
)
def test_replacing_one_section_changes_that_section_only(headings, bodies, pick, new):
    body = "\n\n".join(f"## {h}\n\n{b}" for h, b in zip(headings, bodies, strict=False)) + "\n"
    target = headings[pick % len(headings)]
    after = amendments.with_section(body, target, new)
    assert amendments.section_text(after, target) == new
    for heading, text in zip(headings, bodies, strict=False):
        if heading != target:
            assert amendments.section_text(after, heading) == text
    assert [s.heading for s in amendments.sections(after)] == headings


# --- Services -------------------------------------------------------------------------


def test_a_member_proposes_and_others_comment(circle):
    community, people = circle
    amendment = _amend(people, community)
    assert amendment.base_version == 1
    assert amendment.status == "open"
    amendments.comment(actor=people["facilitator"], amendment=amendment, body="Yes, in spring.")
    assert AmendmentComment.objects.filter(amendment=amendment).count() == 1
    with pytest.raises(amendments.NotAllowed):
        amendments.comment(actor=people["delegate"], amendment=amendment, body="Me too.")


def test_an_amendment_must_change_something_and_say_why(circle):
    community, people = circle
    with pytest.raises(amendments.AmendmentError, match="Nothing changed"):
        _amend(people, community, text="Monthly, online. Be on time.")
    with pytest.raises(amendments.AmendmentError, match="Say why"):
        amendments.propose_amendment(
            actor=people["member"], community=community, section="Meetings", text="x", note=""
        )
    with pytest.raises(amendments.NotAllowed):
        amendments.propose_amendment(
            actor=people["delegate"], community=community, section="Meetings", text="x", note="y"
        )


def test_a_facilitator_adopts_it_as_a_new_version_naming_it_and_its_author(circle):
    community, people = circle
    amendment = _amend(people, community)
    version = amendments.adopt(actor=people["facilitator"], amendment=amendment)
    assert version.number == 2
    assert "Monthly online, quarterly in person." in version.body
    assert "What is said here stays here." in version.body
    assert f"Amendment {amendment.pk}" in version.change_note
    assert "Mona Member" in version.change_note
    amendment.refresh_from_db()
    assert amendment.status == "adopted"
    assert amendment.decided_by == people["facilitator"]
    # Everyone else accepts the new version, the author included.
    permissions.forget_standings(people["member"])
    assert not permissions.can(people["member"], "community.contribute", community)


def test_a_member_cannot_adopt_and_neither_can_a_facilitator_where_members_decide(circle):
    community, people = circle
    amendment = _amend(people, community)
    with pytest.raises(amendments.NotAllowed):
        amendments.adopt(actor=people["member"], amendment=amendment)
    community.facilitators_adopt_amendments = False
    community.save(update_fields=["facilitators_adopt_amendments"])
    with pytest.raises(amendments.NotAllowed, match="through a norms-change proposal"):
        amendments.adopt(actor=people["facilitator"], amendment=amendment)


def test_put_to_the_members_it_is_adopted_when_the_proposal_passes(circle):
    community, people = circle
    amendment = _amend(people, community)
    proposal = amendments.put_to_members(
        actor=people["member"],
        amendment=amendment,
        title="Amend our norms: meetings",
        body="Quarterly in person.",
        rule="consent",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    assert proposal.kind == Proposal.Kind.NORMS
    assert proposal.amendment == amendment
    assert amendments.section_text(proposal.norms_text, "Meetings") == (
        "Monthly online, quarterly in person."
    )
    amendment.refresh_from_db()
    assert amendment.status == "proposed"
    services.take_position(actor=people["facilitator"], proposal=proposal, stance="agree")
    closed = services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))
    assert closed.status == "passed"
    amendment.refresh_from_db()
    assert amendment.status == "adopted"
    community.refresh_from_db()
    assert community.norms_version == 2


def test_an_amendment_the_members_did_not_pass_opens_again(circle):
    community, people = circle
    amendment = _amend(people, community)
    proposal = amendments.put_to_members(
        actor=people["facilitator"],
        amendment=amendment,
        title="Amend our norms: meetings",
        body="Quarterly in person.",
        rule="consent",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    services.take_position(
        actor=people["member"], proposal=proposal, stance="block", reason="Travel budget."
    )
    services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))
    amendment.refresh_from_db()
    assert amendment.status == "open"


def test_an_amendment_to_an_older_version_must_be_redone(circle):
    community, people = circle
    old = _amend(people, community)
    publish_norms(
        actor=people["facilitator"],
        community=community,
        body=NORMS + "\n## Phones\n\nPhones away.\n",
        change_note="Phones",
    )
    accept_current_norms(actor=people["member"], community=community)
    old.community.refresh_from_db()
    assert amendments.is_stale(old)
    with pytest.raises(amendments.AmendmentError, match="written against version 1"):
        amendments.adopt(actor=people["facilitator"], amendment=old)
    with pytest.raises(amendments.AmendmentError, match="written against version 1"):
        amendments.put_to_members(
            actor=people["member"],
            amendment=old,
            title="t",
            body="b",
            rule="consent",
            deadline=timezone.now() + dt.timedelta(days=7),
        )
    permissions.forget_standings(people["member"])
    redone = amendments.propose_amendment(
        actor=people["member"],
        community=community,
        section=old.section,
        text=old.text,
        note=old.note,
        replaces=old,
    )
    old.refresh_from_db()
    assert old.status == "withdrawn"
    assert redone.base_version == 2
    version = amendments.adopt(actor=people["facilitator"], amendment=redone)
    assert "Phones away." in version.body
    assert "quarterly in person" in version.body


# --- Pages ----------------------------------------------------------------------------


def test_the_norms_page_links_to_proposing_an_amendment(client, circle):
    community, people = circle
    client.force_login(people["member"])
    page = client.get(reverse("norms:current", args=[community.slug]))
    assert reverse("decisions:amendment_new", args=[community.slug]).encode() in page.content


def test_the_amendment_page_shows_the_whole_norms_as_they_would_read(client, circle):
    community, people = circle
    amendment = _amend(people, community)
    client.force_login(people["facilitator"])
    page = client.get(amendment.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Added: </span>Monthly online, quarterly in person." in html
    assert "Removed: </span>Monthly, online. Be on time." in html
    assert "Adopt and publish" in html
    assert "Put it to the members" in html


def test_a_new_amendment_from_the_page_and_bad_input_keeps_what_was_typed(client, circle):
    community, people = circle
    client.force_login(people["member"])
    url = reverse("decisions:amendment_new", args=[community.slug])
    form = client.get(url + "?section=Meetings")
    assert "Monthly, online. Be on time." in form.content.decode()
    bad = client.post(url, {"section": "__new__", "new_heading": "", "text": "Phones away."})
    assert bad.status_code == 400
    assert "Phones away." in bad.content.decode()
    assert "Give the new section a heading." in bad.content.decode()
    good = client.post(
        url,
        {"section": "__new__", "new_heading": "Phones", "text": "Phones away.", "note": "Focus."},
    )
    assert good.status_code == 302
    amendment = Amendment.objects.get()
    assert amendment.section == "Phones"
    page = client.get(good["Location"])
    assert "a new section" in page.content.decode()


def test_a_comment_that_cannot_be_saved_comes_back_with_its_text(client, circle):
    community, people = circle
    amendment = _amend(people, community)
    client.force_login(people["delegate"])
    url = reverse("decisions:amendment_comment", args=[community.slug, amendment.pk])
    refused = client.post(url, {"body": "Speaking for Mona: yes."})
    assert refused.status_code == 403
    assert "Speaking for Mona: yes." in refused.content.decode()
    client.force_login(people["member"])
    assert client.post(url, {"body": ""}).status_code == 400


def test_putting_it_to_the_members_from_the_page(client, circle):
    community, people = circle
    amendment = _amend(people, community)
    client.force_login(people["member"])
    url = reverse("decisions:amendment_propose", args=[community.slug, amendment.pk])
    soon = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        url, {"title": "Amend meetings", "body": "Why", "rule": "consent", "deadline": soon}
    )
    assert bad.status_code == 400
    assert "Amend meetings" in bad.content.decode()
    later = (timezone.localtime() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    good = client.post(
        url, {"title": "Amend meetings", "body": "Why", "rule": "consent", "deadline": later}
    )
    assert good.status_code == 302
    proposal = Proposal.objects.get(amendment=amendment)
    assert good["Location"] == proposal.get_absolute_url()


def test_the_amendment_page_says_an_older_one_needs_redoing(client, circle):
    community, people = circle
    old = _amend(people, community)
    NormsVersion.objects.create(community=community, number=2, body=NORMS + "\nMore.\n")
    community.norms_version = 2
    community.save(update_fields=["norms_version"])
    client.force_login(people["facilitator"])
    html = client.get(old.get_absolute_url()).content.decode()
    assert "It cannot be adopted until it is redone" in html
    assert "Adopt and publish" not in html


def _grow(community, people, count):
    author = people["member"]
    for n in range(count):
        amendment = Amendment.objects.create(
            community=community,
            proposed_by=author,
            section="Meetings",
            base_version=1,
            text=f"Version {n}",
            note="Why",
            status="open" if n % 2 else "adopted",
        )
        for _ in range(3):
            AmendmentComment.objects.create(amendment=amendment, author=author, body="Yes.")


@pytest.mark.parametrize("page", ["list", "detail"])
def test_amendment_pages_run_a_fixed_number_of_queries(client, circle, page):
    community, people = circle
    client.force_login(people["facilitator"])
    counts = []
    for size in (1, 25):
        _grow(community, people, size)
        if page == "list":
            url = reverse("decisions:amendments", args=[community.slug])
        else:
            # One amendment, with more comments (from more people) each time.
            amendment = Amendment.objects.order_by("pk").first()
            for n in range(size):
                author = testing.make_user(organisation=testing.make_organisation())
                AmendmentComment.objects.create(amendment=amendment, author=author, body=f"{n}")
            url = amendment.get_absolute_url()
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_list_page_stays_within_its_budget(client, circle, django_assert_max_num_queries):
    community, people = circle
    _grow(community, people, 10)
    client.force_login(people["member"])
    with django_assert_max_num_queries(12):
        client.get(reverse("decisions:amendments", args=[community.slug]))


def test_outsiders_never_see_an_amendment(client, circle):
    community, people = circle
    amendment = _amend(people, community)
    for role in ("non_member", "site_admin", "former_member"):
        client.force_login(people[role])
        assert client.get(amendment.get_absolute_url()).status_code == 404


def test_a_facilitator_elsewhere_cannot_adopt_this_one(circle):
    community, people = circle
    amendment = _amend(people, community)
    other = testing.make_community()
    testing.seat(other, people["non_member"], role="facilitator")
    with pytest.raises(amendments.NotAllowed):
        amendments.adopt(actor=people["non_member"], amendment=amendment)
