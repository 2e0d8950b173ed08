"""Deleting one's own account, from the page and through the service: both
choices about what one wrote, what stops at once, the last facilitator's
successor, nothing of anyone else's touched, and nothing of the person
left anywhere in the database."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.accounts.models import User
from copse.audit.models import AuditEntry
from copse.conversations.models import Post, PostAttachment, PostRevision, Thread
from copse.departures import erasure, services
from copse.departures.tests.conftest import MONA_EMAIL, MONA_NAME, MONA_WORDS
from copse.library.models import ItemAuthor, LibraryItem
from copse.memberships.models import Membership
from copse.value.models import ValueStory

DELETE = reverse("departures:delete_account")


def _delete_on_the_page(client, person, *, content="keep", password=testing.PASSWORD, **extra):
    client.force_login(person)
    return client.post(DELETE, {"content": content, "password": password, **extra})


def _everything_stored():
    """Every text, number and date in every row of every table, as one string
    per row: what a database dump would show."""
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.BinaryField)]
        for row in model._default_manager.all().values_list(*[f.attname for f in fields]):
            yield model._meta.label, " ".join(str(value) for value in row)


def _traces_of(*needles):
    return [
        (label, row[:120])
        for label, row in _everything_stored()
        if any(needle.casefold() in row.casefold() for needle in needles)
    ]


# --- The page ---------------------------------------------------------------------------


def test_profile_links_to_the_page_which_explains_the_choice(client, world):
    client.force_login(world["mona"])
    assert DELETE.encode() in client.get(reverse("accounts:profile")).content
    page = client.get(DELETE).content.decode()
    assert "Remove what I wrote" in page and "Former member" in page
    assert "CIO CoP" in page  # the communities she will leave
    assert 'autocomplete="current-password"' in page


def test_a_wrong_password_deletes_nothing_and_keeps_the_choice(client, world):
    response = _delete_on_the_page(client, world["mona"], content="remove", password="guess")
    assert response.status_code == 400
    assert b"That is not your password. Nothing was deleted." in response.content
    checked = re.search(
        rb'<input type="radio" name="content" value="(\w+)"[^>]*checked', response.content
    )
    assert checked and checked.group(1) == b"remove"
    mona = User.objects.get(pk=world["mona"].pk)
    assert mona.is_active and mona.email == MONA_EMAIL


def test_the_choice_is_required(client, world):
    response = _delete_on_the_page(client, world["mona"], content="")
    assert response.status_code == 400
    assert b"Choose whether to remove what you wrote or to keep it." in response.content
    assert User.objects.get(pk=world["mona"].pk).is_active


def test_deleting_signs_out_and_says_so(client, world):
    response = _delete_on_the_page(client, world["mona"])
    assert response.status_code == 302 and response["Location"] == reverse("communities:directory")
    page = client.get(response["Location"])
    assert b"Your account is deleted" in page.content
    assert "_auth_user_id" not in client.session


def test_nobody_deletes_someone_else_through_the_page(client, world):
    """The page has no field naming an account: a site administrator's post
    that adds one deletes the administrator's own account and nobody else's."""
    testing.make_site_admin(email="other-admin@example.com", name="Other Admin")
    admin = testing.make_site_admin(email="ada@example.com", name="Ada Admin")
    response = _delete_on_the_page(client, admin, user=world["mona"].pk, user_id=world["mona"].pk)
    assert response.status_code == 302
    assert User.objects.get(pk=world["mona"].pk).is_active
    assert not User.objects.get(pk=admin.pk).is_active


def test_the_only_site_administrator_is_told_to_name_another_first(client, world):
    admin = testing.make_site_admin(email="ada@example.com", name="Ada Admin")
    client.force_login(admin)
    assert b"only administrator" in client.get(DELETE).content
    response = _delete_on_the_page(client, admin)
    assert response.status_code == 409
    assert User.objects.get(pk=admin.pk).is_active


# --- What stops at once -----------------------------------------------------------------


def test_a_session_cookie_of_the_deleted_account_gets_nothing(
    client, world, django_capture_on_commit_callbacks
):
    other_device = type(client)()
    other_device.force_login(world["mona"])
    community_home = world["community"].get_absolute_url()
    assert other_device.get(community_home).status_code == 200
    cookie = other_device.cookies["sessionid"].value
    assert Session.objects.filter(session_key=cookie).exists()

    with django_capture_on_commit_callbacks(execute=True):
        _delete_on_the_page(client, world["mona"])

    assert not Session.objects.filter(session_key=cookie).exists()
    # The stored session is gone; even the cookie of one that had not been
    # deleted yet would give nothing: the account is inactive and its
    # password hash changed.
    replay = type(client)()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("accounts:profile")).status_code == 302
    assert replay.get(community_home).status_code == 302  # to sign-in, as for anyone
    assert replay.get(reverse("notifications:inbox"))["Location"].startswith("/accounts/login/")


def test_a_session_that_survived_the_row_still_gives_nothing(client, world):
    """Even if the stored session were not deleted (a worker that never ran
    the task; here the commit's callbacks never run), the account is closed:
    Django refuses the session."""
    kept = type(client)()
    kept.force_login(world["mona"])
    cookie = kept.cookies["sessionid"].value
    services.delete_account(actor=world["mona"], content="keep")
    assert Session.objects.filter(session_key=cookie).exists()
    assert kept.get(reverse("accounts:profile")).status_code == 302
    assert kept.get(world["community"].get_absolute_url()).status_code == 302


def test_the_calendar_feed_address_stops(client, world):
    from copse.calendars.services import create_or_replace_feed

    token = create_or_replace_feed(world["mona"])
    feed = reverse("calendars:feed", kwargs={"token": token})
    assert client.get(feed).status_code == 200
    _delete_on_the_page(type(client)(), world["mona"])
    assert client.get(feed).status_code == 404


def test_a_reply_by_mail_from_the_deleted_account_is_refused(world):
    from copse.mailing import addresses, inbound
    from copse.mailing.tests.test_inbound import letter, trusted_mx  # noqa: F401

    thread = world["fays"]
    to = addresses.reply_address(user=world["mona"], thread=thread, version=1)
    services.delete_account(actor=world["mona"], content="keep")
    before = Post.objects.filter(thread=thread).count()
    (row,) = inbound.receive(
        letter(MONA_EMAIL, to, "I am back"), envelope_from=MONA_EMAIL, envelope_to=[to]
    )
    assert row.outcome == "refused"
    assert Post.objects.filter(thread=thread).count() == before
    # Nor does a new message to the community's address start a thread.
    community_address = addresses.community_address(world["community"])
    (row,) = inbound.receive(
        letter(MONA_EMAIL, community_address, "New thread", subject="Hello again"),
        envelope_from=MONA_EMAIL,
        envelope_to=[community_address],
    )
    assert row.outcome == "refused"
    assert not Thread.objects.filter(title="Hello again").exists()


def test_mail_queued_to_the_person_is_cancelled_not_sent(world, settings):
    """Over a real SMTP server on loopback: the outbox delivers what was
    queued for others and nothing of what was queued for her."""
    from django.test import override_settings

    from copse.conversations import services as conversations
    from copse.mailing import outbound
    from copse.mailing.models import CommunityDelivery, OutgoingMessage
    from copse.mailing.tests.smtp import smtp_server, smtp_settings

    for person in (world["mona"], world["dev"]):
        CommunityDelivery.objects.create(user=person, community=world["community"], mode="every")
    post = conversations.post_reply(actor=world["fay"], thread=world["fays"], body="Agenda soon.")
    assert outbound.enqueue_post(post) == 2
    services.delete_account(actor=world["mona"], content="keep")
    with smtp_server() as (collector, port), override_settings(**smtp_settings(port)):
        counts = outbound.deliver_due()
    assert counts["sent"] == 1
    assert [to for _, recipients, _ in collector.received for to in recipients] == [
        world["dev"].email
    ]
    hers = OutgoingMessage.objects.get(recipient=world["mona"])
    assert hers.state == OutgoingMessage.State.DROPPED and hers.to_address == ""


def test_mail_already_queued_as_a_task_goes_nowhere(world, django_capture_on_commit_callbacks):
    """A task queued before the deletion (a decision on a request, say)
    reads the closed account's address when it runs, and sends nothing."""
    from copse.memberships.tasks import tell_requester_of_decision

    other = testing.make_community(slug="other-cop", name="Other CoP")
    join_request = testing.request_join(other, world["mona"])
    services.delete_account(actor=world["mona"], content="keep")
    mail.outbox.clear()
    tell_requester_of_decision.call(join_request.pk)
    assert mail.outbox == []


# --- Memberships and the last facilitator --------------------------------------------


def test_every_membership_ends(world):
    other = testing.make_community(slug="other-cop", name="Other CoP")
    testing.seat(other, world["mona"], role="delegate", principal=None)
    services.delete_account(actor=world["mona"], content="keep")
    assert set(Membership.objects.filter(user=world["mona"]).values_list("status", flat=True)) == {
        "left"
    }
    world["community"].refresh_from_db()
    assert world["community"].member_count == 2


def test_the_last_facilitator_is_refused_until_they_name_a_successor(client, world):
    fay = world["fay"]
    page = _delete_on_the_page(client, fay)
    assert page.status_code == 400
    assert b"Choose who takes over as facilitator of CIO CoP." in page.content
    assert User.objects.get(pk=fay.pk).is_active
    with pytest.raises(services.SuccessorNeeded, match="last facilitator of CIO CoP"):
        services.delete_account(actor=fay, content="keep")

    dev_seat = Membership.objects.get(community=world["community"], user=world["dev"])
    field = f"successor_{world['community'].pk}"
    response = _delete_on_the_page(client, fay, **{field: dev_seat.pk})
    assert response.status_code == 302
    dev_seat.refresh_from_db()
    assert dev_seat.role == "facilitator" and dev_seat.status == "active"
    assert not User.objects.get(pk=fay.pk).is_active


def test_a_last_facilitator_with_nobody_to_hand_over_to_is_told_so(client, world):
    alone = testing.make_community(slug="alone-cop", name="Alone CoP")
    testing.seat(alone, world["dev"], role="facilitator")
    client.force_login(world["dev"])
    page = client.get(DELETE).content.decode()
    assert "no other member is active to take over" in page and "Alone CoP" in page
    assert 'name="password"' not in page


# --- What she wrote: removed -----------------------------------------------------------


def test_removing_what_one_wrote(world):
    mona, answered, alone = world["mona"], world["answered"], world["alone"]
    versions_before = dict(Thread.objects.values_list("pk", "version"))
    services.delete_account(actor=mona, content="remove")

    for post in Post.objects.filter(author=mona):
        assert post.body == "" and post.body_html == ""
        assert post.removed_at is not None and post.removed_by_id == mona.pk
    assert not PostAttachment.objects.filter(post__author=mona).exists()
    assert not PostRevision.objects.filter(post__author=mona).exists()

    answered.refresh_from_db()
    assert answered.removed_at is None  # Dev's reply is still there to read
    assert answered.title == erasure.REMOVED_TITLE
    world["dev_reply"].refresh_from_db()
    assert (
        world["dev_reply"].body == "We moved to Northwind."
        and world["dev_reply"].removed_at is None
    )
    alone.refresh_from_db()
    assert alone.removed_at is not None and alone.title == erasure.REMOVED_TITLE
    for thread in (answered, alone, world["fays"]):
        thread.refresh_from_db()
        assert thread.version > versions_before[thread.pk]

    own = LibraryItem.objects.get(pk=world["own_item"].pk)
    assert own.removed_at is not None and own.title == erasure.REMOVED_TITLE
    assert all(v.body_markdown == "" for v in own.versions.all())
    shared = LibraryItem.objects.get(pk=world["shared_item"].pk)
    assert shared.removed_at is None and shared.title == "Carrier negotiation SOP"
    assert list(shared.authors.values_list("name", flat=True)) == [
        "Fay Facilitator",
        "Former member",
    ]
    story = ValueStory.objects.get(pk=world["story"].pk)
    assert story.removed_at is not None and story.story == ""
    assert _traces_of(MONA_WORDS) == []


def test_the_thread_page_after_removal(client, world):
    services.delete_account(actor=world["mona"], content="remove")
    client.force_login(world["dev"])
    page = client.get(world["answered"].get_absolute_url()).content.decode()
    assert erasure.REMOVED_TITLE in page
    assert "We moved to Northwind." in page
    assert "Removed by the author." in page
    assert MONA_WORDS not in page and MONA_NAME not in page
    assert "Former member" in page
    # Her lonely thread is gone from the list; Fay's thread stays with its reply removed.
    listing = client.get(reverse("conversations:list", kwargs={"slug": "cio-cop"})).content.decode()
    assert "Mona&#x27;s lonely thread" not in listing and "Fay&#x27;s thread" in listing


def test_search_finds_nothing_she_wrote_after_removal(client, world):
    client.force_login(world["dev"])
    search = reverse("search:search")
    found = client.get(search, {"q": "Zephyrtel"}).content
    assert b"Conversations: 3 results." in found and b"Library: 1 result." in found
    services.delete_account(actor=world["mona"], content="remove")
    found = client.get(search, {"q": "Zephyrtel"}).content
    assert b"Conversations: 0 results." in found and b"Library: 0 results." in found


# --- What she wrote: kept ----------------------------------------------------------------


def test_keeping_what_one_wrote_under_former_member(client, world):
    mona = world["mona"]
    client.force_login(world["dev"])
    # The page's posts are now kept rendered; the deletion must not be
    # hidden behind them.
    assert MONA_NAME in client.get(world["answered"].get_absolute_url()).content.decode()
    services.delete_account(actor=mona, content="keep")
    reply = Post.objects.get(pk=world["mona_reply"].pk)
    assert reply.body == f"Thanks. {MONA_WORDS}." and reply.removed_at is None
    assert LibraryItem.objects.get(pk=world["own_item"].pk).removed_at is None
    assert ItemAuthor.objects.get(item=world["own_item"]).name == "Former member"
    assert ValueStory.objects.get(pk=world["story"].pk).removed_at is None

    page = client.get(world["answered"].get_absolute_url()).content.decode()
    assert MONA_WORDS in page and "Former member" in page
    assert MONA_NAME not in page and "Contoso" not in page
    # No link to a profile: there is none.
    closed = User.objects.get(pk=mona.pk)
    assert f"/people/{closed.handle}/" not in page
    assert (
        client.get(reverse("people:profile", kwargs={"handle": closed.handle})).status_code == 404
    )


@pytest.mark.parametrize("content", ["keep", "remove"])
def test_nothing_of_the_person_is_left_in_the_database(world, content):
    mona = world["mona"]
    old_handle = mona.handle
    from copse.calendars.services import create_or_replace_feed
    from copse.organisations import services as organisations

    create_or_replace_feed(mona)
    organisations.request_change(actor=mona, name="Contoso Telecom", note="My new employer")
    services.delete_account(actor=mona, content=content)
    assert _traces_of(MONA_EMAIL, MONA_NAME, old_handle, "Twenty years in telecoms") == []
    closed = User.objects.get(pk=mona.pk)
    assert closed.name == "Former member" and not closed.is_active
    assert closed.organisation_id is None and closed.time_zone == "UTC"
    assert not closed.has_usable_password()


def test_others_content_is_untouched(world):
    def snapshot():
        return {
            "posts": list(
                Post.objects.exclude(author=world["mona"]).values_list(
                    "pk", "body", "body_html", "removed_at"
                )
            ),
            "items": list(
                LibraryItem.objects.exclude(pk=world["own_item"].pk).values_list(
                    "pk", "title", "removed_at"
                )
            ),
            "others": list(
                User.objects.exclude(pk=world["mona"].pk).values_list(
                    "pk", "email", "display_name", "is_active"
                )
            ),
        }

    before = snapshot()
    services.delete_account(actor=world["mona"], content="remove")
    assert snapshot() == before


def test_the_deletion_is_audited_without_personal_data(world):
    services.delete_account(actor=world["mona"], content="remove")
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.actor_id == world["mona"].pk and entry.community is None
    assert entry.detail == {"content": "remove", "via": "page", "communities_left": 1}
    assert AuditEntry.objects.filter(action="membership.left", subject=world["mona"]).count() == 1


def test_a_deleted_account_cannot_be_deleted_again_or_sign_in(client, world):
    services.delete_account(actor=world["mona"], content="keep")
    closed = User.objects.get(pk=world["mona"].pk)
    with pytest.raises(services.NotAllowed):
        services.delete_account(actor=closed, content="keep")
    response = client.post(
        reverse("account_login"), {"login": MONA_EMAIL, "password": testing.PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_answers_to_meetings_to_come_free_the_place(world):
    from copse.meetings import services as meetings
    from copse.meetings.models import Meeting, Rsvp

    start = timezone.now() + dt.timedelta(days=7)
    meeting = Meeting.objects.create(
        community=world["community"],
        title="December meeting",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        capacity=1,
    )
    meetings.rsvp(actor=world["mona"], meeting=meeting, answer="yes", dietary_needs="Halal")
    meetings.rsvp(actor=world["dev"], meeting=meeting, answer="yes")
    assert Rsvp.objects.get(meeting=meeting, user=world["dev"]).place == "waitlisted"
    services.delete_account(actor=world["mona"], content="keep")
    assert Rsvp.objects.get(meeting=meeting, user=world["dev"]).place == "going"
    hers = Rsvp.objects.get(meeting=meeting, user=world["mona"])
    assert hers.answer == "no" and hers.place == "" and hers.dietary_needs == ""


def test_removing_reasons_comments_and_why_but_keeping_decisions(world):
    from copse.decisions import services as decisions
    from copse.decisions.models import Position, PositionReply, Proposal
    from copse.topics import services as topics

    mona, fay = world["mona"], world["fay"]
    proposal = decisions.create_proposal(
        actor=fay,
        community=world["community"],
        title="Meet quarterly",
        body="Monthly is too often.",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    position = decisions.take_position(
        actor=mona, proposal=proposal, stance="block", reason=f"Block: {MONA_WORDS}"
    )
    decisions.reply_to_position(actor=mona, position=position, body=f"Also, {MONA_WORDS}")
    fays_answer = decisions.reply_to_position(actor=fay, position=position, body="Noted.")
    topic = topics.nominate(
        actor=mona,
        community=world["community"],
        title="Telecom contracts",
        why=f"Because {MONA_WORDS}",
        area=world["community"].topic_areas[0],
    )
    services.delete_account(actor=mona, content="remove")
    position.refresh_from_db()
    assert position.stance == "block" and position.reason == ""
    assert PositionReply.objects.get(pk=fays_answer.pk).body == "Noted."
    assert Proposal.objects.get(pk=proposal.pk).body == "Monthly is too often."
    topic.refresh_from_db()
    assert topic.title == "Telecom contracts" and topic.why == ""
    assert Position.objects.filter(user=mona).count() == 1
    assert _traces_of(MONA_WORDS) == []


@pytest.mark.parametrize(
    ("role", "status"),
    [("delegate", "active"), ("guest_presenter", "active"), ("member", "on_leave")],
)
def test_every_kind_of_seat_ends(world, role, status):
    other = testing.make_community(slug="other-cop", name="Other CoP")
    principal = None
    if role == "delegate":
        principal = testing.seat(other, world["dev"])
    testing.seat(other, world["mona"], role=role, status=status, principal=principal)
    services.delete_account(actor=world["mona"], content="keep")
    seat = Membership.objects.get(community=other, user=world["mona"])
    assert seat.status == "left"


def test_names_and_addresses_copied_into_the_audit_log_are_replaced(world):
    from copse.memberships import services as memberships

    other = testing.make_community(slug="other-cop", name="Other CoP")
    testing.seat(other, world["fay"], role="facilitator")
    memberships.invite(actor=world["fay"], community=other, email=MONA_EMAIL)
    entry = AuditEntry.objects.get(action="invitation.sent", community=other)
    assert entry.detail["email"] == MONA_EMAIL
    services.delete_account(actor=world["mona"], content="keep")
    entry.refresh_from_db()
    assert entry.detail["email"] == "Former member" and entry.detail["role"] == "member"


def test_the_operators_command_for_someone_who_cannot_sign_in(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    dev_seat = Membership.objects.get(community=world["community"], user=world["dev"])
    with pytest.raises(CommandError, match="last facilitator of CIO CoP"):
        call_command("delete_account", "fay@northwind.example", "--keep")
    out = StringIO()
    call_command(
        "delete_account",
        "FAY@northwind.example",
        "--remove",
        "--successor",
        f"cio-cop={world['dev'].email}",
        stdout=out,
    )
    assert "Deleted. They left 1 communities" in out.getvalue()
    assert not User.objects.get(pk=world["fay"].pk).is_active
    dev_seat.refresh_from_db()
    assert dev_seat.role == "facilitator"
    entry = AuditEntry.objects.get(action="account.deleted")
    assert entry.detail["via"] == "command"
    with pytest.raises(CommandError, match="No active account"):
        call_command("delete_account", "fay@northwind.example", "--keep")


def test_the_credit_an_adaptation_carries_names_a_former_member(world):
    from copse.library import services as library

    other = testing.make_community(slug="other-cop", name="Other CoP")
    al = testing.make_user("al@example.com", name="Mona Quistgaard")
    for community in (other, world["community"]):
        testing.seat(community, al)
    testing.seat(other, world["mona"])
    adapted = library.adapt_item(
        actor=al, item=world["own_item"], community=other, title="Our checklist"
    )
    assert adapted.adapted_credit == "Mona Quist, Contoso"
    again = library.adapt_item(
        actor=world["mona"], item=adapted, community=world["community"], title="Back home"
    )
    assert again.adapted_credit == "Mona Quistgaard, who adapted work by Mona Quist, Contoso"
    services.delete_account(actor=world["mona"], content="keep")
    adapted.refresh_from_db()
    again.refresh_from_db()
    assert adapted.adapted_credit == "Former member"
    assert again.adapted_credit == "Mona Quistgaard, who adapted work by Former member"


def test_the_signal_is_sent_inside_the_deletion(world):
    """An app holding other ways in (the API's tokens) connects a receiver;
    if it fails, nothing of the deletion stays."""
    from django.db import connection

    from copse.accounts.signals import account_deleted

    heard = []

    def receiver(sender, user, **kwargs):
        heard.append((user.pk, connection.in_atomic_block, user.is_active))

    account_deleted.connect(receiver, dispatch_uid="test-heard")
    try:
        services.delete_account(actor=world["mona"], content="keep")
    finally:
        account_deleted.disconnect(dispatch_uid="test-heard")
    assert heard == [(world["mona"].pk, True, False)]

    def failing(sender, user, **kwargs):
        raise RuntimeError("the token store is down")

    account_deleted.connect(failing, dispatch_uid="test-failing")
    try:
        with pytest.raises(RuntimeError):
            services.delete_account(actor=world["dev"], content="remove")
    finally:
        account_deleted.disconnect(dispatch_uid="test-failing")
    dev = User.objects.get(pk=world["dev"].pk)
    assert dev.is_active and dev.email == "dev@fabrikam.example"
    assert Membership.objects.get(user=dev).status == "active"
    assert Post.objects.get(pk=world["dev_reply"].pk).removed_at is None
