"""Mail pages: choosing delivery from the community's home page and from the
link in any email, the content policy with its warning, the outbox."""

import re

import pytest
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.mailing import tokens
from copse.mailing.models import CommunityDelivery, CommunityMailPolicy


@pytest.fixture
def circle(db):
    community = testing.make_community(slug="circle", name="Circle", visibility="confidential")
    member = testing.make_user(name="Mona Member")
    facilitator = testing.make_user(name="Fay Facilitator")
    testing.seat(community, member)
    testing.seat(community, facilitator, role="facilitator")
    return community, member, facilitator


def _link(user, community, version=1):
    token = tokens.unsubscribe_token(user_id=user.pk, community_id=community.pk, version=version)
    return reverse("mailing:unsubscribe", kwargs={"token": token})


def test_a_member_changes_their_mail_in_one_click_from_the_community_page(client, circle):
    community, member, _ = circle
    client.force_login(member)
    page = client.get(community.get_absolute_url())
    assert b"Your mail from Circle" in page.content
    assert b'value="daily" class="" aria-pressed="true"' in page.content
    assert b"What mail may carry" not in page.content
    response = client.post(
        reverse("mailing:preferences"),
        {"community": "circle", "mode": "weekly", "next": community.get_absolute_url()},
    )
    assert response.status_code == 302
    assert response["Location"] == community.get_absolute_url()
    assert CommunityDelivery.objects.get(user=member, community=community).mode == "weekly"


def test_the_return_address_must_be_on_this_site(client, circle):
    community, member, _ = circle
    client.force_login(member)
    response = client.post(
        reverse("mailing:preferences"),
        {"community": "circle", "mode": "none", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("mailing:preferences")


def test_non_members_see_no_mail_choice_and_facilitators_see_the_policy_link(client, circle):
    community, _, facilitator = circle
    outsider = testing.make_user()
    testing.seat(community, outsider, status="left")
    client.force_login(outsider)
    assert b"Your mail from" not in client.get(community.get_absolute_url()).content
    client.force_login(facilitator)
    page = client.get(community.get_absolute_url())
    assert b"What mail may carry" in page.content


def test_the_link_in_any_mail_switches_to_a_digest_without_signing_in(client, circle):
    community, member, _ = circle
    link = _link(member, community)
    page = client.get(link)
    assert page.status_code == 200
    assert b"Stop mail from Circle" in page.content and b"Weekly digest" in page.content
    done = client.post(link, {"mode": "weekly"})
    assert done.status_code == 200
    assert b"Mail from Circle: Weekly digest" in done.content
    assert CommunityDelivery.objects.get(user=member, community=community).mode == "weekly"


def test_one_click_unsubscribe_from_a_mail_client_stops_mail(client, circle):
    community, member, _ = circle
    response = client.post(_link(member, community), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert CommunityDelivery.objects.get(user=member, community=community).mode == "none"


def test_a_former_member_can_stop_mail_but_not_choose_more(client, circle):
    community, member, _ = circle
    link = _link(member, community)
    testing.seat(community, member, status="left")
    refused = client.post(link, {"mode": "every"})
    assert refused.status_code == 403
    assert b"Only members of a community receive its mail." in refused.content
    assert client.post(link, {"mode": "none"}).status_code == 200


def test_a_revoked_or_forged_link_explains_itself(client, circle):
    community, member, _ = circle
    assert client.get(_link(member, community, version=7)).status_code == 400
    assert client.post("/mail/unsubscribe/forged/", {"mode": "none"}).status_code == 400
    assert not CommunityDelivery.objects.exists()


def test_the_content_policy_needs_the_warning_and_is_audited(client, circle):
    community, _, facilitator = circle
    client.force_login(facilitator)
    url = reverse("mailing:content_policy", args=["circle"])
    refused = client.post(url, {"content": "full"})
    assert refused.status_code == 400
    assert b'value="full"' in refused.content and b"checked" in refused.content
    assert not CommunityMailPolicy.objects.exists()
    client.post(url, {"content": "full", "understood": "on"})
    assert CommunityMailPolicy.objects.get(community=community).content == "full"
    assert AuditEntry.objects.filter(action="mail.content_level_changed").exists()


def _sent_post(community, recipient, author):
    from django.utils import timezone

    from copse.conversations import services as conversations
    from copse.mailing.models import OutgoingMessage

    thread = conversations.start_thread(
        actor=author,
        community=community,
        kind="discussion",
        title="Carrier contracts",
        body="Ours ended.",
    )
    return OutgoingMessage.objects.create(
        recipient=recipient,
        kind="post",
        community=community,
        post=thread.posts.get(position=0),
        state="sent",
        subject="[Circle] Carrier contracts",
        next_attempt_at=timezone.now(),
        sent_at=timezone.now(),
    )


def test_a_member_reads_the_mail_copse_sent_them(client, circle, django_assert_max_num_queries):
    community, member, facilitator = circle
    row = _sent_post(community, member, facilitator)
    client.force_login(member)
    with django_assert_max_num_queries(11):
        listing = client.get(reverse("mailing:sent"))
    assert b"[Circle] Carrier contracts" in listing.content
    assert b"no mail server" in listing.content  # tests deliver to memory, as the demo does
    page = client.get(reverse("mailing:sent_message", args=[row.pk]))
    assert page.status_code == 200
    # Confidential by default: the copy is link-only, as it was sent.
    assert b"There is new activity in Circle" in page.content
    assert b"Ours ended." not in page.content


def test_a_former_member_no_longer_reads_their_old_mail(client, circle):
    community, member, facilitator = circle
    row = _sent_post(community, member, facilitator)
    testing.seat(community, member, status="left")
    client.force_login(member)
    page = client.get(reverse("mailing:sent_message", args=[row.pk]))
    assert page.status_code == 200
    assert b"no longer available" in page.content
    assert b"Carrier contracts" not in page.content


def test_the_sent_list_pages_by_id_and_survives_a_bad_cursor(client, circle):
    from copse.mailing import selectors

    community, member, facilitator = circle
    rows = [_sent_post(community, member, facilitator) for _ in range(selectors.SENT_PAGE + 2)]
    client.force_login(member)
    first = client.get(reverse("mailing:sent"))
    assert f"?before={rows[2].pk}".encode() in first.content
    second = client.get(reverse("mailing:sent"), {"before": rows[2].pk})
    assert second.content.count(b'class="card"') == 2
    assert client.get(reverse("mailing:sent"), {"before": "nonsense"}).status_code == 200


@pytest.mark.parametrize("mode", ["none", "every", "daily", "nonsense"])
def test_another_communitys_slug_answers_as_a_missing_one_and_saves_nothing(client, circle, mode):
    """An outsider posting a hidden community's slug to the delivery form
    learns nothing of its existence, and no choice is stored for it."""
    community, _, _ = circle
    testing.make_community(slug="open-one", visibility="open")
    outsider = testing.make_user(name="Otto Outsider")
    client.force_login(outsider)
    answers = []
    for slug in ("circle", "no-such-community", "open-one"):
        response = client.post(
            reverse("mailing:preferences"), {"community": slug, "mode": mode, "next": "/"}
        )
        # The anti-forgery token in the page is masked afresh for each answer.
        body = re.sub(rb'value="[A-Za-z0-9]{64}"', b'value="T"', response.content)
        answers.append((response.status_code, sorted(response.items()), body))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == (302 if mode == "nonsense" else 404)
    assert not CommunityDelivery.objects.exists()
    # Stored messages ("Saved." or a refusal) would tell them apart on the next page.
    page = client.get(reverse("mailing:preferences"))
    assert b"Only members" not in page.content and b"Saved." not in page.content
