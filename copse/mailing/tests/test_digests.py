"""Daily and weekly digests over real SMTP on loopback: each person's own
local day, only what they may read at send time, link-only for confidential
communities, planned once per period, batched over one connection."""

import datetime as dt
import zoneinfo

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post
from copse.mailing import digests, outbound, services
from copse.mailing.models import CommunityDelivery, DeliveryMode, OutgoingMessage
from copse.mailing.tests.smtp import smtp_server, smtp_settings

SECRET_WORDS = "Mainframe exit costs 4.2M"
ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/St_Johns",
]

# Wednesday 2 December 2026, 12:00 UTC: 07:00 in New York, 23:00 in Sydney.
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def _at(post, when):
    Post.objects.filter(pk=post.pk).update(created_at=when)


def _send(port, now=NOW):
    with override_settings(**smtp_settings(port)):
        return outbound.deliver_due(now=now)


@pytest.fixture
def circle(db):
    community = testing.make_community(slug="circle", name="Circle")
    author = testing.make_user(name="Ada Author")
    testing.seat(community, author)
    london = testing.make_user(name="Lon Reader", time_zone="Europe/London")
    new_york = testing.make_user(name="Nye Reader", time_zone="America/New_York")
    sydney = testing.make_user(name="Syd Reader", time_zone="Australia/Sydney")
    every = testing.make_user(name="Eve Every")
    for person in (london, new_york, sydney, every):
        testing.seat(community, person)
    CommunityDelivery.objects.create(user=every, community=community, mode="every")
    # Tuesday 1 December in London: one discussion with a reply.
    thread = conversations.start_thread(
        actor=author,
        community=community,
        kind="discussion",
        title="Cloud costs",
        body="Ours doubled.",
    )
    reply = conversations.post_reply(actor=london, thread=thread, body="Reserved instances helped.")
    _at(thread.posts.get(position=0), dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    _at(reply, dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC))
    OutgoingMessage.objects.all().delete()  # the every-message fan-out is not under test
    return {
        "community": community,
        "author": author,
        "london": london,
        "new_york": new_york,
        "sydney": sydney,
        "every": every,
        "thread": thread,
    }


@settings(max_examples=150, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    mode=st.sampled_from([DeliveryMode.DAILY, DeliveryMode.WEEKLY]),
    now=st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2035, 1, 1),
        timezones=st.just(dt.UTC),
    ),
)
def test_the_due_period_is_whole_local_days_ending_before_the_send_hour(zone_name, mode, now):
    tz = zoneinfo.ZoneInfo(zone_name)
    start, end = digests.period_due(mode, tz, now)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    days = 7 if mode == DeliveryMode.WEEKLY else 1
    # Local midnights, a whole number of calendar days apart.
    assert (local_start.hour, local_start.minute) == (0, 0)
    assert (local_end.hour, local_end.minute) == (0, 0)
    assert (local_end.date() - local_start.date()).days == days
    if mode == DeliveryMode.WEEKLY:
        assert local_end.weekday() == 0
    # Due: its send hour has passed; the next period's has not.
    send_at = dt.datetime.combine(local_end.date(), dt.time(digests.send_hour()), tzinfo=tz)
    assert send_at <= now.astimezone(tz)
    next_send = dt.datetime.combine(
        local_end.date() + dt.timedelta(days=days), dt.time(digests.send_hour()), tzinfo=tz
    )
    assert now.astimezone(tz) < next_send


def test_each_reader_gets_their_own_local_day_over_one_connection(circle):
    added = digests.plan_digests(now=NOW)
    # At NOW it is 12:00 in London and 07:00 in New York: both are due their
    # local 1 December, which holds both posts.
    rows = OutgoingMessage.objects.filter(kind="digest")
    by_person = {row.recipient_id: row for row in rows}
    assert set(by_person) >= {circle["london"].pk, circle["new_york"].pk}
    assert circle["every"].pk not in by_person
    assert added == rows.count()
    # Planning again adds nothing.
    assert digests.plan_digests(now=NOW) == 0

    with smtp_server() as (collector, port):
        counts = _send(port)
    assert counts["sent"] == len(collector.received) == rows.count()
    sessions = {peer for peer, _ in collector.peers}
    assert len(sessions) == 1, "one SMTP connection for the batch"
    messages = {m["To"]: m for m in collector.messages()}
    london = messages[circle["london"].email]
    assert london["Subject"] == (
        "[Circle] Daily digest, Tuesday 1 December: 2 new posts in 1 conversation"
    )
    assert london.is_multipart()
    text = london.get_body(("plain",)).get_content()
    html = london.get_body(("html",)).get_content()
    assert "Ours doubled." in text and "Reserved instances helped." in text
    assert "Cloud costs" in html
    # Times are the reader's: 15:00 UTC is 10:00 in New York.
    assert "Tue 1 Dec, 15:00" in text
    nyc = messages[circle["new_york"].email].get_body(("plain",)).get_content()
    assert "Tue 1 Dec, 10:00" in nyc
    assert london["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/mail/unsubscribe/" in london["List-Unsubscribe"]
    assert london["Precedence"] == "list"
    assert london["Auto-Submitted"] == "auto-generated"


def test_the_period_is_local_the_sydney_reader_sees_only_their_day(circle):
    # Sydney at NOW is 23:00 on 2 Dec: its due period is 1 Dec local, which is
    # 30 Nov 13:00 to 1 Dec 13:00 UTC, holding the 09:00 opening post only.
    digests.plan_digests(now=NOW)
    row = OutgoingMessage.objects.get(kind="digest", recipient=circle["sydney"])
    assert row.period_start == dt.datetime(2026, 11, 30, 13, 0, tzinfo=dt.UTC)
    with smtp_server() as (collector, port):
        _send(port)
    sydney = next(m for m in collector.messages() if m["To"] == circle["sydney"].email)
    text = sydney.get_body(("plain",)).get_content()
    assert "Ours doubled." in text
    assert "Reserved instances helped." not in text


def test_only_what_the_reader_may_read_at_send_time(circle):
    community = circle["community"]
    hidden = conversations.start_thread(
        actor=circle["author"],
        community=community,
        kind="discussion",
        title="Gone",
        body="Was here.",
    )
    _at(hidden.posts.get(position=0), dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    other = testing.make_community(slug="elsewhere")
    testing.seat(other, circle["author"])
    elsewhere = conversations.start_thread(
        actor=circle["author"], community=other, kind="discussion", title="Not yours", body="Other."
    )
    _at(elsewhere.posts.get(position=0), dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    OutgoingMessage.objects.all().delete()
    digests.plan_digests(now=NOW)
    # After planning and before sending: a thread is removed, a reader leaves.
    facilitator = testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    conversations.remove_thread(actor=facilitator, thread=hidden, reason="Off topic")
    testing.seat(community, circle["new_york"], status="left")
    with smtp_server() as (collector, port):
        counts = _send(port)
    recipients = {m["To"] for m in collector.messages()}
    assert circle["london"].email in recipients
    assert circle["new_york"].email not in recipients
    assert any(b"Ours doubled." in raw for _, _, raw in collector.received)
    assert counts["dropped"] >= 1
    for _, to, raw in collector.received:
        assert b"Was here." not in raw and b"Gone" not in raw
        if to != [circle["author"].email]:  # the author is seated elsewhere too
            assert b"Not yours" not in raw and b"Other." not in raw


def test_switching_the_digest_off_before_the_send_wins(circle):
    digests.plan_digests(now=NOW)
    services.set_community_mode(user=circle["london"], community=circle["community"], mode="weekly")
    with smtp_server() as (collector, port):
        _send(port)
    assert circle["london"].email not in {m["To"] for m in collector.messages()}
    assert OutgoingMessage.objects.get(recipient=circle["london"]).state == "dropped"


def test_a_confidential_digest_is_a_link_only(circle):
    community = circle["community"]
    community.visibility = "confidential"
    community.save()
    thread = conversations.start_thread(
        actor=circle["author"],
        community=community,
        kind="ask",
        title=SECRET_WORDS,
        body=SECRET_WORDS,
    )
    _at(thread.posts.get(position=0), dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC))
    OutgoingMessage.objects.all().delete()
    digests.plan_digests(now=NOW)
    with smtp_server() as (collector, port):
        _send(port)
    assert collector.received
    for _, _, raw in collector.received:
        for words in (b"Mainframe", b"Cloud costs", b"Ours doubled", b"Ada Author"):
            assert words not in raw
    message = collector.messages()[0]
    assert message["Subject"] == "New activity in Circle"
    assert "/c/circle/" in message.get_body(("plain",)).get_content()


def test_titles_level_names_threads_and_authors_without_text(circle):
    facilitator = testing.make_user()
    testing.seat(circle["community"], facilitator, role="facilitator")
    services.set_content_level(actor=facilitator, community=circle["community"], content="titles")
    digests.plan_digests(now=NOW)
    with smtp_server() as (collector, port):
        _send(port)
    text = collector.messages()[0].get_body(("plain",)).get_content()
    assert "Cloud costs" in text and "Ada Author" in text
    assert "Ours doubled." not in text


def test_weekly_digests_go_out_on_monday_morning(circle):
    services.set_community_mode(user=circle["author"], community=circle["community"], mode="none")
    for person in ("london", "new_york", "sydney"):
        services.set_community_mode(
            user=circle[person], community=circle["community"], mode="weekly"
        )
    wednesday = NOW
    assert digests.plan_digests(now=wednesday) == 0  # the week of 23 Nov had no posts
    monday = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    assert digests.plan_digests(now=monday) == 2  # London, Sydney; New York not yet at 07:00
    later = dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.UTC)
    assert digests.plan_digests(now=later) == 1
    with smtp_server() as (collector, port):
        _send(port, now=later)
    subjects = {m["Subject"] for m in collector.messages()}
    assert subjects == {"[Circle] Weekly digest, 30 Nov to 6 Dec: 2 new posts in 1 conversation"}


def test_people_who_never_chose_get_the_daily_default_and_bouncing_get_nothing(circle):
    fresh = testing.make_user(time_zone="Europe/London")
    testing.seat(circle["community"], fresh)
    services.set_default_mode(user=circle["new_york"], mode="none")
    bouncing = circle["sydney"]
    from copse.mailing.models import MailSettings

    MailSettings.objects.update_or_create(
        user=bouncing, defaults={"bouncing_since": timezone.now()}
    )
    digests.plan_digests(now=NOW)
    people = set(OutgoingMessage.objects.filter(kind="digest").values_list("recipient", flat=True))
    assert fresh.pk in people and circle["london"].pk in people
    assert circle["new_york"].pk not in people
    assert bouncing.pk not in people


def test_the_batch_mail_rule_agrees_with_the_permission_core_for_every_role(roles):
    from copse.core import permissions

    community, people = roles
    on_leave = testing.make_user()
    testing.seat(community, on_leave, status="on_leave")
    deactivated = testing.make_user(is_active=False)
    testing.seat(community, deactivated)
    everyone = [p for p in people.values() if p is not None] + [on_leave, deactivated]
    batch = set(permissions.mail_receivers(community).values_list("user_id", flat=True))
    one_by_one = {p.pk for p in everyone if permissions.can(p, "community.receive_mail", community)}
    assert batch == one_by_one
    assert batch == {people[r].pk for r in ("member", "delegate", "facilitator")}


def test_digests_for_every_role_reach_only_the_seated(roles):
    community, people = roles
    author = people["facilitator"]
    thread = conversations.start_thread(
        actor=author, community=community, kind="discussion", title=SECRET_WORDS, body="x"
    )
    _at(thread.posts.get(position=0), dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC))
    OutgoingMessage.objects.all().delete()
    for person in people.values():
        if person is not None:
            CommunityDelivery.objects.update_or_create(
                user=person, community=community, defaults={"mode": "daily"}
            )
    digests.plan_digests(now=NOW)
    with smtp_server() as (collector, port):
        _send(port)
    received = {to[0] for _, to, _ in collector.received}
    assert received == {people[r].email for r in ("member", "delegate", "facilitator")}
    for _, _, raw in collector.received:
        assert b"Mainframe" not in raw  # confidential: link only


def test_send_digests_command_plans_and_sends(circle, capsys):
    from django.core.management import call_command

    with (
        smtp_server() as (collector, port),
        override_settings(**smtp_settings(port)),
        _frozen(NOW),
    ):
        call_command("send_digests", connections=1)
    out = capsys.readouterr().out
    assert "Queued 4 digests." in out
    assert "Sent 4, dropped 0" in out
    assert len(collector.received) == 4


def test_workers_start_the_hourly_planning_once(db):
    from django_tasks_db.models import DBTaskResult

    from copse.mailing import tasks

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        assert tasks.ensure_digest_planning() is True
        assert tasks.ensure_digest_planning() is False
        waiting = DBTaskResult.objects.filter(task_path="copse.mailing.tasks.plan_digests")
        assert waiting.count() == 1
        # Running it plans, then puts itself back for the next hour.
        tasks.plan_digests.call()
        now = timezone.now()
        later = waiting.filter(run_after__gt=now, run_after__lte=now + dt.timedelta(minutes=62))
        assert later.count() == 1


class _frozen:
    """timezone.now() at a fixed moment, for code that does not take `now`."""

    def __init__(self, moment):
        self.moment = moment

    def __enter__(self):
        from unittest import mock

        self.patch = mock.patch("django.utils.timezone.now", return_value=self.moment)
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()


def test_the_mail_post_rule_agrees_with_post_read_for_every_receiver(roles):
    from copse.core import permissions

    community, people = roles
    thread = conversations.start_thread(
        actor=people["facilitator"], community=community, kind="discussion", title="T", body="B"
    )
    post = thread.posts.get(position=0)
    receivers = [
        p for p in people.values() if p and permissions.can(p, "community.receive_mail", community)
    ]
    assert receivers
    for removed_post, removed_thread in ((False, False), (True, False), (False, True)):
        post.removed_at = timezone.now() if removed_post else None
        thread.removed_at = timezone.now() if removed_thread else None
        post.thread = thread
        for person in receivers:
            permissions.forget_standings(person)
            # A facilitator still sees a removed thread's tombstone on the web;
            # mail carries only what every receiver may read.
            if not (removed_thread and person == people["facilitator"]):
                assert permissions.may_mail_post(post) == permissions.can(person, "post.read", post)
        assert permissions.may_mail_post(post) == (not removed_post and not removed_thread)


@pytest.mark.parametrize(("queued", "senders"), [(0, 0), (1, 1), (450, 3), (100_000, 3)])
def test_a_large_run_starts_several_senders_up_to_the_setting(db, queued, senders):
    from django_tasks_db.models import DBTaskResult

    from copse.mailing import tasks

    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, COPSE_MAIL_SENDERS=3
    ):
        tasks.start_senders(queued)
    waiting = DBTaskResult.objects.filter(task_path="copse.mailing.tasks.deliver_outbox")
    assert waiting.count() == senders
