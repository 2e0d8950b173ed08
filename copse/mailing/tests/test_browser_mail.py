"""Mail journeys in Chromium against a live server: a member picks every
message on the community's home page, reads what a reply sent them on "Mail
Copse sent you" (the post's words, or only a link for a confidential
community), then switches to a weekly digest from the link at the foot of that
mail without signing in; and the one-click buttons work without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.communities.models import Community
from copse.conversations import services as conversations
from copse.core.tests.browser import UNLABELLED_CONTROLS, link_in, path_of, wait_for_mail
from copse.mailing import outbound, tokens
from copse.mailing.models import CommunityDelivery, OutgoingMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODES = ["Every message (mailing-list mode)", "Daily digest", "Weekly digest", "No email"]
TITLE = "Telecom costs are out of control: who has switched carriers?"
REPLY = "We moved to a regional carrier and saved 27% on mobile data."


def circle(visibility: str):
    """A community of the given visibility with two members, Mona and Priya,
    and a discussion Priya started."""
    community = testing.make_community(slug="cio", name="CIO Circle", visibility=visibility)
    mona = testing.make_user("mona@contoso.example", name="Mona Member")
    priya = testing.make_user("priya@woodgrove.example", name="Priya Nair")
    testing.seat(community, mona)
    testing.seat(community, priya)
    thread = conversations.start_thread(
        actor=priya,
        community=community,
        kind="discussion",
        title=TITLE,
        body="Our telecom bill doubled this year.",
    )
    return community, mona, priya, thread


def mail_section(page, community):
    """The home page's mail choice: a region named by its heading."""
    return page.get_by_role("region", name=f"Your mail from {community.name}")


def expect_pressed(section, label: str) -> None:
    """Exactly one of the mode buttons is pressed, and it is `label`."""
    for name in MODES:
        expect(section.get_by_role("button", name=name, exact=True)).to_have_attribute(
            "aria-pressed", "true" if name == label else "false"
        )
    expect(section.get_by_role("button", pressed=True)).to_have_text(label)


@pytest.mark.parametrize(
    ("visibility", "subject", "reads", "never"),
    [
        pytest.param(
            "members",
            f"[CIO Circle] Re: {TITLE}",
            [REPLY, "Priya Nair in CIO Circle"],
            [],
            id="members-only: the post's words",
        ),
        pytest.param(
            "confidential",
            "New activity in CIO Circle",
            ["There is new activity in CIO Circle."],
            [REPLY, "27%", "Telecom", "Priya"],
            id="confidential: a link only",
        ),
    ],
)
def test_member_picks_every_message_reads_the_reply_in_their_sent_mail_and_switches_by_the_link(
    open_page, live_server, settings, visibility, subject, reads, never
):
    # The links in the mail point at BASE_URL; point it at the live server.
    settings.BASE_URL = live_server.url
    community, mona, priya, thread = circle(visibility)
    page = open_page(user=mona)

    page.goto(community.get_absolute_url())
    mail = mail_section(page, community)
    expect(mail.get_by_role("heading", level=2)).to_have_text("Your mail from CIO Circle")
    expect_pressed(mail, "Daily digest")
    mail.get_by_role("button", name="Every message").click()

    expect(page).to_have_url(re.compile(r"/c/cio/$"))
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect_pressed(mail_section(page, community), MODES[0])
    assert CommunityDelivery.objects.get(user=mona, community=community).mode == "every"

    reply = conversations.post_reply(actor=priya, thread=thread, body=REPLY)
    # Tasks run at once in the tests, so the reply has fanned out and been
    # sent already; this sends whatever is still due, as the worker would.
    outbound.deliver_due()
    row = OutgoingMessage.objects.get(recipient=mona, post=reply)
    assert row.state == OutgoingMessage.State.SENT and row.subject == subject
    assert not OutgoingMessage.objects.filter(recipient=priya).exists()
    sent = wait_for_mail(mona.email, subject)
    for words in never:
        assert words not in sent.subject and words not in sent.body
        assert all(words not in html for html, _ in sent.alternatives)

    page.locator("header.site-header").get_by_role("link", name="Mona Member").click()
    page.get_by_role("link", name="Mail Copse sent you").click()
    expect(page).to_have_url(re.compile(r"/mail/sent/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mail Copse sent you")
    expect(page.locator("main .card-list > li")).to_have_count(1)
    page.get_by_role("link", name=subject, exact=True).click()

    expect(page).to_have_url(re.compile(rf"/mail/sent/{row.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    body = page.locator(".mail-body")
    for words in reads:
        expect(body).to_contain_text(words)
    for words in never:
        expect(page.locator("main")).not_to_contain_text(words)
    page_body = body.inner_text()
    unsubscribe = re.search(r"https?://\S+/mail/unsubscribe/(\S+)/", page_body)
    assert unsubscribe, page_body
    # Composed again for the page, the link names the same person and community
    # as the one in the mail that went out (only its signing time differs).
    in_mail = re.search(r"/mail/unsubscribe/(\S+)/", link_in(sent, "/mail/unsubscribe/"))
    on_page = tokens.read_unsubscribe_token(unsubscribe.group(1))
    assert on_page == tokens.read_unsubscribe_token(in_mail.group(1))
    assert on_page == {"u": mona.pk, "c": community.pk, "v": 1}
    assert page.csp_violations == [] and page.script_errors == []

    # The link at the foot of the mail works without signing in.
    stranger = open_page()
    stranger.goto(path_of(unsubscribe.group(0)))
    expect(
        stranger.locator("header.site-header").get_by_role("link", name="Sign in")
    ).to_be_visible()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Mail from CIO Circle")
    # Toggle buttons, all of them: a button without aria-pressed is read out
    # as a plain button, not as an unpressed choice.
    choices = stranger.locator("main form button")
    expect(choices).to_have_count(4)
    assert choices.evaluate_all("bs => bs.map(b => b.getAttribute('aria-pressed'))") == [
        "false",
        "true",
        "false",
        "false",
    ]
    expect(stranger.get_by_role("button", pressed=True)).to_have_text(MODES[0])
    stranger.get_by_role("button", name="Weekly digest").click()

    expect(stranger.get_by_role("heading", level=1)).to_have_text(
        "Mail from CIO Circle: Weekly digest"
    )
    expect(stranger.get_by_role("status")).to_contain_text("Done.")
    assert CommunityDelivery.objects.get(user=mona, community=community).mode == "weekly"
    assert stranger.csp_violations == [] and stranger.script_errors == []


def test_one_click_mail_buttons_work_as_plain_form_posts_without_javascript(open_page):
    community = testing.make_community(
        slug="ao", name="Applications and Operations", visibility=Community.Visibility.MEMBERS
    )
    lee = testing.make_user("lee@university.example", name="Lee Ramírez-Okonkwo")
    testing.seat(community, lee)
    page = open_page(javascript=False, user=lee)

    page.goto(community.get_absolute_url())
    assert page.evaluate("typeof window.htmx") == "undefined", "scripts ran"
    expect(page.get_by_role("heading", level=1)).to_have_text("Applications and Operations")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    mail = mail_section(page, community)
    expect(mail).to_contain_text("Your default for communities you have not set.")
    expect_pressed(mail, "Daily digest")
    mail.get_by_role("button", name="No email").click()

    expect(page).to_have_url(re.compile(r"/c/ao/$"))
    expect(page.locator(".messages")).to_contain_text("Saved.")
    mail = mail_section(page, community)
    expect_pressed(mail, "No email")
    expect(mail).not_to_contain_text("Your default")
    assert CommunityDelivery.objects.get(user=lee, community=community).mode == "none"

    mail.get_by_role("button", name="Weekly digest").click()
    expect_pressed(mail_section(page, community), "Weekly digest")
    assert CommunityDelivery.objects.get(user=lee, community=community).mode == "weekly"
    assert page.csp_violations == []
