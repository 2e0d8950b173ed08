"""Browser journey: on the second page of a long ask, the asker marks a reply
helpful and a peer replies; each time the page holds the question first and
the post acted on is in view."""

import pytest
from playwright.sync_api import expect

from copse import testing
from copse.conversations import services
from copse.conversations.models import POST_PAGE_SIZE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_after_an_action_the_question_is_on_top_and_the_post_in_view(open_page):
    community = testing.make_community(slug="sv-cio-cop", name="CIO CoP", visibility="confidential")
    dev = testing.make_user("dev@contoso.example", name="Dev Patel")
    priya = testing.make_user("priya@woodgrove.example", name="Priya Nair")
    testing.seat(community, dev)
    testing.seat(community, priya)
    ask = services.start_thread(
        actor=dev,
        community=community,
        kind="ask",
        title="Telecom costs are out of control",
        body="Our telecom bill doubled. Who switched carriers?",
    )
    for n in range(POST_PAGE_SIZE + 5):
        services.post_reply(actor=priya, thread=ask, body=f"Reply number {n + 1}")
    helpful = POST_PAGE_SIZE + 2

    asker = open_page(user=dev)
    asker.goto(f"{ask.get_absolute_url()}?page=last")
    expect(asker.locator("#post-0")).to_contain_text("Who switched carriers?")
    thread_url = asker.url.split("?")[0]
    asker.locator(f"#post-{helpful}").get_by_role("button", name="Mark helpful").click()
    expect(asker).to_have_url(f"{thread_url}?after={POST_PAGE_SIZE - 1}#post-{helpful}")
    expect(asker.locator(f"#post-{helpful} .badge", has_text="Helpful")).to_be_in_viewport()
    expect(asker.locator("#post-0")).to_contain_text("Who switched carriers?")
    expect(asker.locator(".posts").first.locator("article").first).to_have_id("post-0")

    replier = open_page(user=priya)
    replier.goto(f"{ask.get_absolute_url()}?page=last")
    replier.locator(f"#post-{helpful}").get_by_role("link", name="Quote").click()
    expect(replier.get_by_label("Your reply (Markdown)")).to_be_in_viewport()
    reply_box = replier.get_by_label("Your reply (Markdown)")
    reply_box.press("End")
    reply_box.type("Same carrier here.")
    replier.get_by_role("button", name="Post reply").click()
    new = POST_PAGE_SIZE + 6
    expect(replier.locator(f"#post-{new} .post__body")).to_contain_text("Same carrier here.")
    expect(replier.locator(f"#post-{new}")).to_be_in_viewport()
    expect(replier.locator("#post-0")).to_contain_text("Who switched carriers?")
