"""The pages behind inbound mail: joining and leaving a community's mail by a
confirmation round trip (the link is followed from the mail a real SMTP
server received), the original message for its author only, and attached
files for readers only."""

import re

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse

from copse import testing
from copse.communities.models import Community
from copse.conversations import services as conversations
from copse.core import permissions
from copse.core.tests.authorization import ROLES
from copse.mailing import addresses, inbound, tokens
from copse.mailing.models import CommunityDelivery, InboundMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings
from copse.mailing.tests.test_inbound import PDF, letter, reply_to
from copse.memberships.models import Membership
from copse.norms.models import NormsVersion


@pytest.fixture
def open_community(db):
    community = testing.make_community(
        slug="designers",
        name="Designers",
        visibility="open",
        join_policy=Community.JoinPolicy.OPEN,
    )
    NormsVersion.objects.create(community=community, number=1, body="Be kind to each other.")
    community.norms_version = 1
    community.save(update_fields=["norms_version"])
    return community


def _link_in(collector, pattern):
    (message,) = collector.messages()
    body = message.get_body(("plain",)).get_content()
    url = re.search(rf"https?://\S+{pattern}\S*", body).group(0)
    return message, "/" + url.split("://", 1)[1].split("/", 1)[1]


def _mail(raw, sender, to):
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        (row,) = inbound.receive(raw, envelope_from=sender, envelope_to=[to])
    return row, collector


# --- Subscribe -----------------------------------------------------------------------------


def test_subscribing_by_mail_round_trip_signs_up_joins_and_gets_every_message(
    client, open_community
):
    to = addresses.community_address(open_community, "subscribe")
    row, collector = _mail(
        letter("newcomer@example.org", to, "subscribe"), "newcomer@example.org", to
    )
    assert row.outcome == "subscription" and row.reason == "subscribe: confirmation sent"
    message, path = _link_in(collector, "/mail/join/")
    assert collector.received[0][1] == ["newcomer@example.org"]
    assert message["Subject"] == "Confirm: get Designers by email"
    assert message["Auto-Submitted"] == "auto-replied"
    # Signed out: the page offers sign-up and sign-in, and comes back here after.
    page = client.get(path)
    assert page.status_code == 200 and b"Create an account" in page.content
    assert reverse("account_signup").encode() + b"?next=" in page.content
    newcomer = testing.make_user("newcomer@example.org")
    client.force_login(newcomer)
    page = client.get(path)
    assert page.status_code == 200 and b"Be kind to each other." in page.content
    # The norms must be accepted, as on the join page.
    refused = client.post(path, {"norms_version": 1})
    assert refused.status_code == 400
    assert not Membership.objects.filter(user=newcomer).exists()
    joined = client.post(path, {"norms_version": 1, "accept": "on"})
    assert joined.status_code == 302 and joined["Location"] == open_community.get_absolute_url()
    membership = Membership.objects.get(user=newcomer, community=open_community)
    assert membership.status == "active" and membership.norms_accepted == 1
    delivery = CommunityDelivery.objects.get(user=newcomer, community=open_community)
    assert delivery.mode == "every"


def test_a_member_who_subscribes_by_mail_just_gets_every_message(client, open_community):
    member = testing.make_user("member@example.org")
    testing.seat(open_community, member)
    to = addresses.community_address(open_community, "subscribe")
    _, collector = _mail(letter(member.email, to), member.email, to)
    _, path = _link_in(collector, "/mail/join/")
    client.force_login(member)
    assert b"already a member" in client.get(path).content
    assert client.post(path).status_code == 302
    assert CommunityDelivery.objects.get(user=member, community=open_community).mode == "every"


def test_a_subscribe_link_is_for_its_address_and_expires(client, open_community, monkeypatch):
    token = tokens.subscribe_token(community_id=open_community.pk, email="newcomer@example.org")
    path = reverse("mailing:subscribe", args=[token])
    client.force_login(testing.make_user("someone-else@example.org"))
    assert client.post(path, {"norms_version": 1, "accept": "on"}).status_code == 403
    assert not Membership.objects.filter(community=open_community).exists()
    # A week later the link is dead.
    real_loads = signing.loads
    monkeypatch.setattr(
        signing,
        "loads",
        lambda value, **kw: real_loads(value, **{**kw, "max_age": -1}),
    )
    assert client.get(path).status_code == 400


def test_a_subscribe_link_stops_working_when_the_community_closes(client, open_community):
    token = tokens.subscribe_token(community_id=open_community.pk, email="newcomer@example.org")
    open_community.join_policy = Community.JoinPolicy.REQUEST
    open_community.save(update_fields=["join_policy"])
    client.force_login(testing.make_user("newcomer@example.org"))
    response = client.get(reverse("mailing:subscribe", args=[token]))
    assert response.status_code == 400 and b"Designers" not in response.content


@pytest.mark.parametrize(
    "fields",
    [
        {"join_policy": "request", "visibility": "members"},
        {"join_policy": "open", "visibility": "members", "listed": False},
        {"join_policy": "invitation", "visibility": "confidential", "listed": False},
    ],
    ids=["request", "unlisted", "confidential"],
)
def test_subscribing_elsewhere_gets_the_neutral_answer(db, fields):
    community = testing.make_community(slug="closed", name="Closed Shop", **fields)
    to = addresses.community_address(community, "subscribe")
    row, collector = _mail(letter("x@example.org", to), "x@example.org", to)
    assert row.outcome == "refused"
    (_, _, raw) = collector.received[0]
    assert b"Closed" not in raw and b"/mail/join/" not in raw
    assert b"was not posted" in raw


# --- Unsubscribe -----------------------------------------------------------------------------


def test_unsubscribing_by_mail_round_trip(client, db):
    community = testing.make_community(slug="circle", visibility="confidential", listed=False)
    member = testing.make_user("mona@example.com")
    testing.seat(community, member)
    CommunityDelivery.objects.create(user=member, community=community, mode="every")
    to = addresses.community_address(community, "unsubscribe")
    row, collector = _mail(letter(member.email, to, "unsubscribe"), member.email, to)
    assert row.outcome == "subscription" and row.user == member
    _, path = _link_in(collector, "/mail/unsubscribe/")
    # No session needed: the link is the credential, and a GET changes nothing.
    page = client.get(path)
    assert page.status_code == 200 and b'<form method="post"' in page.content
    assert CommunityDelivery.objects.get(user=member, community=community).mode == "every"
    assert client.post(path).status_code == 200
    assert CommunityDelivery.objects.get(user=member, community=community).mode == "none"


def test_unsubscribing_a_non_member_gets_the_neutral_answer(db):
    community = testing.make_community(slug="circle", name="The Circle", visibility="confidential")
    testing.make_user("olive@example.com")
    to = addresses.community_address(community, "unsubscribe")
    row, collector = _mail(letter("olive@example.com", to), "olive@example.com", to)
    assert row.outcome == "refused"
    assert b"The Circle" not in collector.received[0][2]
    assert b"/mail/unsubscribe/" not in collector.received[0][2]


# --- The original, and attachments -----------------------------------------------------------


@pytest.fixture
def mailed_post(db):
    community = testing.make_community(slug="telecom-cop", name="Telecom CoP")
    mona = testing.make_user("mona@example.com", name="Mona Member")
    fay = testing.make_user("fay@example.com", name="Fay Facilitator")
    testing.seat(community, mona)
    testing.seat(community, fay, role="facilitator")
    thread = conversations.start_thread(
        actor=fay, community=community, kind="discussion", title="Carriers", body="Which one?"
    )
    to = reply_to(mona, thread)
    raw = letter(
        mona.email,
        to,
        "Northwind.\n\nOn Mon, Fay wrote:\n> Which one?\n",
        files=[("slides.pdf", PDF, "application", "pdf")],
    )
    (row,) = inbound.receive(raw, envelope_from=mona.email, envelope_to=[to])
    return {"community": community, "mona": mona, "fay": fay, "thread": thread, "row": row}


def test_the_author_sees_the_whole_original_and_nobody_else_does(client, mailed_post):
    row, mona, fay = mailed_post["row"], mailed_post["mona"], mailed_post["fay"]
    url = reverse("mailing:original", args=[row.pk])
    client.force_login(mona)
    page = client.get(mailed_post["thread"].get_absolute_url())
    assert url.encode() in page.content and b"Original email" in page.content
    original = client.get(url)
    assert original.status_code == 200
    assert b"&gt; Which one?" in original.content and b"slides.pdf" in original.content
    download = client.get(url + "?download=1")
    assert download["Content-Type"] == "message/rfc822"
    assert b"Which one?" in download.content and download["Content-Disposition"].startswith(
        "attachment"
    )
    client.force_login(fay)
    assert url.encode() not in client.get(mailed_post["thread"].get_absolute_url()).content
    assert client.get(url).status_code == 404


def test_an_attachment_downloads_for_readers_and_is_listed_under_the_post(client, mailed_post):
    attachment = mailed_post["row"].post.attachments.get()
    url = reverse("conversations:attachment", args=["telecom-cop", attachment.pk])
    client.force_login(mailed_post["fay"])
    page = client.get(mailed_post["thread"].get_absolute_url())
    assert url.encode() in page.content and b"slides.pdf" in page.content
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="slides.pdf"' in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(testing.make_user())
    assert client.get(url).status_code == 404
    # The wrong community in the address is a 404 too.
    other = testing.make_community(slug="elsewhere")
    testing.seat(other, mailed_post["fay"])
    client.force_login(mailed_post["fay"])
    assert (
        client.get(
            reverse("conversations:attachment", args=["elsewhere", attachment.pk])
        ).status_code
        == 404
    )


def test_a_removed_posts_attachment_is_gone_for_everyone(client, mailed_post):
    post = mailed_post["row"].post
    attachment = post.attachments.get()
    conversations.remove_post(actor=mailed_post["mona"], post=post)
    client.force_login(mailed_post["fay"])
    url = reverse("conversations:attachment", args=["telecom-cop", attachment.pk])
    assert client.get(url).status_code == 404
    assert b"slides.pdf" not in client.get(mailed_post["thread"].get_absolute_url()).content


def test_the_thread_page_costs_the_same_queries_with_and_without_mail(client, mailed_post):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(mailed_post["mona"])
    url = mailed_post["thread"].get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        to = reply_to(mailed_post["mona"], mailed_post["thread"])
        raw = letter(
            "mona@example.com", to, f"More {n}", files=[(f"f{n}.pdf", PDF, "application", "pdf")]
        )
        inbound.receive(raw, envelope_from="mona@example.com", envelope_to=[to])
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.content.count(b"Original email") == 6
    assert len(after) == len(before)


def test_only_the_author_may_view_the_original(roles):
    """`post.view_original` for every role of the matrix: the post's author only."""
    community, people = roles
    thread = conversations.start_thread(
        actor=people["member"], community=community, kind="ask", title="T", body="B"
    )
    post = thread.posts.get(position=0)
    allowed = {role for role in ROLES if permissions.can(people[role], "post.view_original", post)}
    assert allowed == {"member"}
    people["member"].is_active = False
    assert not permissions.can(people["member"], "post.view_original", post)


def test_an_inbound_row_of_another_person_is_not_an_original(client, mailed_post):
    row = mailed_post["row"]
    InboundMessage.objects.filter(pk=row.pk).update(user=mailed_post["fay"])
    client.force_login(mailed_post["mona"])
    assert client.get(reverse("mailing:original", args=[row.pk])).status_code == 404
