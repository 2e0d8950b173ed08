"""Signed out, a link from a mail to a page of a community leads to the sign-in
page and back; and the answer tells an anonymous visitor nothing about whether
the page, or the community, exists."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from copse import testing
from copse.conversations import services as conversations

LOGIN = reverse("account_login")


@pytest.fixture
def places(roles):
    community, people = roles
    thread = conversations.start_thread(
        actor=people["member"],
        community=community,
        kind="discussion",
        title="Confidential plans",
        body="Only for us.",
    )
    open_one = testing.make_community(slug="agora", visibility="open", listed=True)
    testing.seat(open_one, people["member"])
    public = conversations.start_thread(
        actor=people["member"], community=open_one, kind="discussion", title="Hello", body="Hi."
    )
    return community, people, thread, open_one, public


def _next_of(response) -> str:
    location = urlsplit(response["Location"])
    assert location.path == LOGIN
    return parse_qs(location.query)["next"][0]


def _shape(response) -> tuple:
    """Everything an observer sees but the `next` it carries."""
    headers = {k: v for k, v in response.headers.items() if k != "Location"}
    return response.status_code, response.content, tuple(sorted(headers.items()))


def test_hidden_missing_and_nonexistent_pages_answer_alike(client, places):
    community, people, thread, open_one, _ = places
    urls = [
        # Pages that exist, in a confidential community.
        thread.get_absolute_url(),
        f"{thread.get_absolute_url()}?after=3",
        reverse("communities:home", args=[community.slug]),
        reverse("conversations:list", args=[community.slug]),
        reverse("norms:current", args=[community.slug]),
        reverse("conversations:jump", args=[thread.pk]),
        # Pages that do not exist, in that community, in an open one, nowhere.
        reverse("conversations:thread", args=[community.slug, 999999]),
        reverse("conversations:thread", args=[open_one.slug, 999999]),
        reverse("conversations:thread", args=["no-such-community", thread.pk]),
        reverse("communities:home", args=["no-such-community"]),
        "/c/no-such-community/nothing/here/",
        f"/c/{community.slug}/nothing/here/",
        reverse("conversations:jump", args=[999999]),
    ]
    shapes = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert _next_of(response) == url
        shapes.add(_shape(response))
        head = client.head(url)
        assert head.status_code == 302 and _next_of(head) == url
    assert len(shapes) == 1, shapes


def test_an_open_communitys_pages_stay_readable_signed_out(client, places):
    """Our choice (docs/decisions.md): what anyone may read is shown; only what
    would be "not found" becomes the sign-in page."""
    _, _, _, open_one, public = places
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(reverse("communities:home", args=[open_one.slug])).status_code == 200


def test_signing_in_from_a_mail_link_brings_you_back_to_the_page(client, places):
    _, people, thread, _, _ = places
    url = f"{thread.get_absolute_url()}?after=-1"
    bounce = client.get(url)
    login_page = client.get(bounce["Location"])
    assert login_page.status_code == 200
    assert b'name="next"' in login_page.content
    signed_in = client.post(
        LOGIN,
        {"login": people["member"].email, "password": testing.PASSWORD, "next": _next_of(bounce)},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and b"Confidential plans" in page.content


def test_signed_in_outsiders_still_get_not_found(client, places):
    community, people, thread, _, _ = places
    client.force_login(people["non_member"])
    hidden = client.get(thread.get_absolute_url())
    missing = client.get(reverse("conversations:thread", args=[community.slug, 999999]))
    assert hidden.status_code == missing.status_code == 404


def test_posts_from_signed_out_visitors_are_not_redirected(client, places):
    community, _, thread, _, _ = places
    response = client.post(reverse("conversations:thread", args=["no-such-community", 1]))
    assert response.status_code in (404, 405)
