"""A facilitator's kind nudge to a quiet member: sent through the service,
never twice within the quiet period, logged without its words, delivered to
the member alone in Copse and by mail (a link only from a confidential
community), and read by nobody else. The attacks: facilitators of other
communities, site admins, guests, former members, delegates, and text in
the template that tries to be code or markup."""

import pytest
from django.core import mail
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.health import services
from copse.health.models import HealthSettings, Nudge
from copse.health.tests.world import World, ago
from copse.notifications.models import Notification

pytestmark = pytest.mark.django_db

KIND_WORDS = "Hello Quinn, we have missed you. Come to lunch on Friday?"


@pytest.fixture
def world():
    return World()


def _nudge_url(world, user):
    return reverse("health:nudge", args=[world.community.slug, user.pk])


def _send(client, world, user, body=KIND_WORDS, actor=None, **extra):
    client.force_login(actor or world.fay)
    return client.post(_nudge_url(world, user), {"body": body, **extra})


def test_a_facilitator_nudges_a_quiet_member_who_reads_it_in_copse_and_by_mail(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, world, world.quinn, days="30")
    assert response.status_code == 302
    assert response["Location"] == reverse("health:health", args=["cio"]) + "?days=30#quiet"
    nudge = Nudge.objects.get()
    assert (nudge.member, nudge.sent_by, nudge.body) == (world.quinn, world.fay, KIND_WORDS)
    notification = Notification.objects.get(kind="nudge")
    assert notification.user == world.quinn and notification.actor == world.fay
    (message,) = mail.outbox
    assert message.to == [world.quinn.email]
    assert message.subject == "[CIO CoP] A note from Fay Facilitator"
    assert KIND_WORDS in message.body
    # Quinn opens the notification and reads it.
    client.force_login(world.quinn)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Fay Facilitator sent you a personal note" in inbox
    assert KIND_WORDS not in inbox
    opened = client.get(reverse("notifications:open", args=[notification.pk]))
    assert opened["Location"] == nudge.get_absolute_url()
    page = client.get(opened["Location"])
    assert page.status_code == 200
    assert KIND_WORDS in page.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_nudge_is_logged_and_audited_without_its_words(client, world):
    _send(client, world, world.quinn)
    entry = AuditEntry.objects.get(action="health.nudged")
    assert entry.subject == world.quinn and entry.actor == world.fay
    assert KIND_WORDS not in str(entry.detail)
    page = client.get(reverse("health:health", args=["cio"])).content.decode()
    log = page[page.index("Nudges sent") :]
    assert "Quinn Quiet" in log and "Read what you wrote" in log
    assert KIND_WORDS not in page
    # The audit log itself never shows the words either.
    audit = client.get(reverse("audit:community", args=["cio"])).content.decode()
    assert KIND_WORDS not in audit


def test_nobody_is_nudged_twice_within_the_quiet_period_whoever_sends_it(client, world):
    other = testing.make_user(name="Otto Cofacilitator")
    testing.seat(world.community, other, role="facilitator")
    assert _send(client, world, world.quinn).status_code == 302
    again = _send(client, world, world.quinn, body="Second note, typed with care.", actor=other)
    assert again.status_code == 400
    html = again.content.decode()
    assert "Quinn Quiet was nudged on" in html and "You can nudge them again from" in html
    assert "Second note, typed with care." in html
    assert Nudge.objects.count() == 1
    # After the quiet period (six weeks) a second nudge may go.
    Nudge.objects.update(sent_at=ago(43))
    assert _send(client, world, world.quinn, actor=other).status_code == 302
    assert Nudge.objects.count() == 2


def test_the_quiet_period_is_the_communitys_setting(client, world):
    HealthSettings.objects.create(community=world.community, quiet_weeks=2)
    _send(client, world, world.quinn)
    Nudge.objects.update(sent_at=ago(13))
    assert _send(client, world, world.quinn).status_code == 400
    Nudge.objects.update(sent_at=ago(15))
    assert _send(client, world, world.quinn).status_code == 302


def test_an_empty_nudge_comes_back_with_a_message(client, world):
    response = _send(client, world, world.quinn, body="   ")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Nudge.objects.exists()


def test_an_over_long_nudge_comes_back_with_what_was_typed(client, world):
    typed = "So good to hear from you. " * 200
    response = _send(client, world, world.quinn, body=typed)
    assert response.status_code == 400
    assert typed.strip()[:200] in response.content.decode()
    assert not Nudge.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "former", "guest", "left_community"])
def test_only_a_seated_member_of_the_community_can_be_nudged(client, world, who):
    person = testing.make_user(name="Pat Person")
    if who == "former":
        testing.seat(world.community, person, status="left")
    elif who == "guest":
        testing.seat(world.community, person, role="guest_presenter")
    elif who == "left_community":
        elsewhere = testing.make_community(slug="elsewhere")
        testing.seat(elsewhere, person)
    assert _send(client, world, person).status_code == 404
    assert not Nudge.objects.exists()


def test_a_member_on_leave_is_not_nudged(client, world):
    testing.seat(world.community, world.quinn, status="on_leave")
    response = _send(client, world, world.quinn)
    assert response.status_code == 400
    assert "is on leave" in response.content.decode()


def test_a_facilitator_cannot_nudge_themselves(world):
    with pytest.raises(UserFacingError):
        services.send_nudge(
            actor=world.fay, community=world.community, member=world.fay, body="Me?"
        )


def test_nobody_but_a_facilitator_of_that_community_can_nudge(client, world):
    other = World(slug="other", name="Other CoP")
    admin = testing.make_site_admin(name="Ada Admin")
    dee = testing.make_user(name="Dee Delegate")
    seat = world.community.memberships.get(user=world.mona)
    testing.seat(world.community, dee, role="delegate", principal=seat)
    guest = testing.make_user(name="Gus Guest")
    testing.seat(world.community, guest, role="guest_presenter")
    sponsor = testing.make_user(name="Stan Sponsor", is_sponsor=True)
    for actor in (other.fay, admin, world.mona, dee, guest, sponsor):
        assert _send(client, world, world.quinn, actor=actor).status_code == 404, actor.name
        with pytest.raises(UserFacingError):
            services.send_nudge(
                actor=actor, community=world.community, member=world.quinn, body="Hi"
            )
    client.logout()
    assert client.post(_nudge_url(world, world.quinn), {"body": "Hi"}).status_code == 302
    assert not Nudge.objects.exists()


def test_only_the_member_and_the_facilitator_who_wrote_it_read_a_nudge(client, world):
    nudge = services.send_nudge(
        actor=world.fay, community=world.community, member=world.quinn, body=KIND_WORDS
    )
    url = nudge.get_absolute_url()
    other = World(slug="other", name="Other CoP")
    cofacilitator = testing.make_user(name="Otto Cofacilitator")
    testing.seat(world.community, cofacilitator, role="facilitator")
    admin = testing.make_site_admin(name="Ada Admin")
    guest = testing.make_user(name="Gus Guest")
    testing.seat(world.community, guest, role="guest_presenter")
    dee = testing.make_user(name="Dee Delegate")
    testing.seat(
        world.community,
        dee,
        role="delegate",
        principal=world.community.memberships.get(user=world.quinn),
    )
    sponsor = testing.make_user(name="Stan Sponsor", is_sponsor=True)
    for reader in (world.quinn, world.fay):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200, reader.name
        assert KIND_WORDS in response.content.decode()
    for reader in (world.mona, cofacilitator, other.fay, admin, guest, dee, sponsor):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 404, reader.name
        assert KIND_WORDS.encode() not in response.content
        assert not permissions.can(reader, "nudge.read", nudge)
    # Under another community's address it is not found either.
    client.force_login(world.quinn)
    testing.seat(other.community, world.quinn)
    wrong = reverse("health:nudge_message", args=["other", nudge.pk])
    assert client.get(wrong).status_code == 404
    # A member who has left no longer reads it; nor a facilitator who stepped down.
    testing.seat(world.community, world.quinn, status="left")
    assert client.get(url).status_code == 404
    testing.seat(world.community, world.fay, role="member")
    client.force_login(world.fay)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_text_in_the_template_stays_text(client, world, django_capture_on_commit_callbacks):
    HealthSettings.objects.create(
        community=world.community,
        nudge_template=(
            "Dear {name} {member.__class__} {0} {{name}} {community.pk} %(name)s "
            "<script>alert(1)</script><b>bold</b> from {facilitator}"
        ),
    )
    client.force_login(world.fay)
    page = client.get(reverse("health:health", args=["cio"])).content.decode()
    filled = (
        "Dear Quinn Quiet {member.__class__} {0} {Quinn Quiet} {community.pk} %(name)s "
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; from Fay Facilitator"
    )
    assert filled in page
    assert "<script>alert(1)" not in page and "<b>bold</b>" not in page
    typed = "Hi {name} <img src=x onerror=alert(1)> {member.__class__}"
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(client, world, world.quinn, body=typed).status_code == 302
    nudge = Nudge.objects.get()
    assert nudge.body == "Hi Quinn Quiet <img src=x onerror=alert(1)> {member.__class__}"
    client.force_login(world.quinn)
    read = client.get(nudge.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; {member.__class__}" in read
    assert "<img src=x" not in read
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_a_name_with_braces_is_not_filled_again(world):
    world.quinn.display_name = "Quinn {community}"
    world.quinn.save()
    nudge = services.send_nudge(
        actor=world.fay, community=world.community, member=world.quinn, body="Hi {name}"
    )
    assert nudge.body == "Hi Quinn {community}"


def test_from_a_confidential_community_the_mail_is_a_link_only(
    client, django_capture_on_commit_callbacks
):
    world = World(visibility="confidential", slug="secret", name="Secret CoP")
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, world, world.quinn)
    (message,) = mail.outbox
    assert message.subject == "[Secret CoP] A note for you"
    everything = message.body + message.alternatives[0][0]
    assert KIND_WORDS not in everything and "Fay" not in everything
    assert "/notifications/" in message.body


def test_at_the_titles_level_the_mail_names_the_writer_but_not_the_words(
    client, world, django_capture_on_commit_callbacks
):
    from copse.mailing.models import CommunityMailPolicy

    CommunityMailPolicy.objects.create(community=world.community, content="titles")
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, world, world.quinn)
    (message,) = mail.outbox
    assert "Fay Facilitator" in message.subject
    assert KIND_WORDS not in message.body + message.alternatives[0][0]


def test_a_member_who_left_before_delivery_gets_nothing(
    client, world, django_capture_on_commit_callbacks
):
    from copse.health import tasks

    nudge = services.send_nudge(
        actor=world.fay, community=world.community, member=world.quinn, body=KIND_WORDS
    )
    testing.seat(world.community, world.quinn, status="left")
    assert tasks.deliver_nudge.call(nudge.pk) is False
    assert not Notification.objects.exists()
    assert mail.outbox == []
