"""The norms-change journey in Chromium against a live server: a member
proposes new norms, the facilitator blocks with a reason, the proposer
revises, the block is withdrawn, the proposal passes at its deadline and
every member is asked to accept the new version."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.decisions import services
from copse.decisions.models import Proposal
from copse.memberships.models import Membership
from copse.norms.services import publish_norms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NORMS = "What is said here stays here.\nVendors are discussed, never invited.\n"


def assert_clean(*pages) -> None:
    for page in pages:
        assert page.csp_violations == [], page.csp_violations
        assert page.script_errors == [], page.script_errors


def principals():
    """A self-facilitating group of school principals with written norms."""
    community = testing.make_community(slug="principals", name="Principals' Circle")
    people = {
        "fay": testing.make_user("fay@school.example", name="Fay Facilitator"),
        "mona": testing.make_user("mona@school.example", name="Mona Member"),
        "max": testing.make_user("max@school.example", name="Max Member"),
    }
    testing.seat(community, people["fay"], role="facilitator")
    testing.seat(community, people["mona"])
    testing.seat(community, people["max"])
    publish_norms(
        actor=people["fay"], community=community, body=NORMS, change_note="First version."
    )
    Membership.objects.filter(community=community).update(norms_accepted=1)
    community.refresh_from_db()
    return community, people


def test_a_norms_change_is_blocked_revised_unblocked_and_passes(open_page):
    community, people = principals()
    mona = open_page(user=people["mona"])
    fay = open_page(user=people["fay"])
    max_ = open_page(user=people["max"])

    # Mona proposes from the community's home, through Decisions.
    mona.goto(community.get_absolute_url())
    mona.get_by_role("link", name="Decisions", exact=True).click()
    expect(mona.get_by_text("Nothing is waiting for a decision.")).to_be_visible()
    mona.get_by_role("link", name="Make a proposal").first.click()
    mona.get_by_label("What is it about?").select_option("norms")
    # Only the norms part of the form shows for a norms change.
    expect(mona.locator("#part-norms")).to_be_visible()
    expect(mona.locator("#part-goals")).to_be_hidden()
    expect(mona.locator("#part-visibility")).to_be_hidden()
    mona.get_by_label("Title").fill("We record our meetings")
    mona.get_by_label("The proposal (required)").fill(
        "Recordings help those who miss a meeting catch up."
    )
    mona.get_by_label("The norms as they would read").fill(
        NORMS + "Meetings are recorded for members.\n"
    )
    mona.get_by_role("button", name="Open the proposal").click()
    expect(mona.get_by_role("heading", level=1)).to_have_text("We record our meetings")
    expect(mona.locator(".diff .added")).to_have_text("Added: Meetings are recorded for members.")
    proposal = Proposal.objects.get(community=community)

    # Fay sees it waiting for her answer on the home, and blocks with a reason.
    fay.goto(community.get_absolute_url())
    waiting = fay.get_by_role("region", name="Waiting for your answer")
    waiting.get_by_role("link", name="We record our meetings").click()
    fay.get_by_label("Block", exact=True).check()
    fay.get_by_role("button", name="Save my position").click()
    expect(fay.locator(".form-errors")).to_contain_text("Say why you block")
    fay.get_by_label("Block", exact=True).check()
    fay.get_by_label("Your reason").fill("Members speak freely because nothing is recorded.")
    fay.get_by_role("button", name="Save my position").click()
    expect(fay.get_by_text("Your position is saved: block.")).to_be_visible()
    expect(fay.get_by_text("If it closed now, it would not pass")).to_be_visible()

    # Mona reads the reason, answers it, and revises.
    mona.reload()
    expect(mona.get_by_text("Members speak freely because nothing is recorded.")).to_be_visible()
    mona.get_by_text("Answer Fay Facilitator").click()
    mona.get_by_label("Your answer").fill("Fair: what if only the talks are recorded?")
    mona.get_by_role("button", name="Post the answer").click()
    expect(mona.get_by_text("Your answer to Fay Facilitator is posted.")).to_be_visible()
    mona.get_by_role("link", name="Revise the proposal").click()
    mona.get_by_label("The norms as they would read").fill(
        NORMS + "Invited talks are recorded for members; discussions never are.\n"
    )
    mona.get_by_label("What you changed").fill("Only the invited talks are recorded.")
    mona.get_by_role("button", name="Publish the revision").click()
    expect(mona.get_by_text("Your revision is up.")).to_be_visible()
    expect(mona.get_by_text("(to an earlier version)")).to_be_visible()

    # Fay withdraws her block; Max agrees.
    fay.reload()
    expect(fay.get_by_text("to an earlier version: look at the changes")).to_be_visible()
    fay.get_by_role("button", name="Withdraw my block").click()
    expect(fay.get_by_text("You withdrew your block.")).to_be_visible()
    expect(fay.get_by_text("If it closed now, it would pass.")).to_be_visible()
    max_.goto(proposal.get_absolute_url())
    max_.get_by_label("Agree", exact=True).check()
    max_.get_by_role("button", name="Save my position").click()
    expect(max_.get_by_text("Your position is saved: agree.")).to_be_visible()

    # The deadline passes (the test moves time; the product never does).
    proposal.refresh_from_db()
    closed = services.close_if_due(proposal.pk, now=proposal.deadline + dt.timedelta(seconds=1))
    assert closed.status == "passed", closed.result

    # Everyone is asked to accept the new version, the proposer included.
    for page in (mona, max_):
        page.goto(community.get_absolute_url())
        page.get_by_role("link", name="read and accept the new version").click()
        expect(page.get_by_text("Invited talks are recorded for members")).to_be_visible()
        page.get_by_role("button", name="I accept version 2").click()
        expect(page.get_by_role("button", name="I accept version 2")).to_have_count(0)
    mona.goto(proposal.get_absolute_url())
    expect(mona.get_by_text("Passed.", exact=False).first).to_be_visible()
    assert_clean(mona, fay, max_)


def test_without_javascript_every_part_of_the_new_proposal_form_shows(open_page):
    community, people = principals()
    page = open_page(user=people["mona"], javascript=False)
    page.goto(f"/c/{community.slug}/decisions/new/")
    for part in ("norms", "goals", "visibility", "facilitator"):
        expect(page.locator(f"#part-{part}")).to_be_visible()
    expect(page.get_by_role("group", name="For a norms change: the new text")).to_be_visible()
