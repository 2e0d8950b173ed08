""" "Did this save you time or money?": asked once, after an asker marks a
reply helpful or after a meeting someone attended; one click to dismiss."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from copse.conversations import services as conversations
from copse.meetings import services as meetings
from copse.value import services
from copse.value.models import ValuePrompt
from copse.value.tests.conftest import make_meeting, story_data

pytestmark = pytest.mark.django_db


def _mark_helpful(world, capture, helpful=True):
    with capture(execute=True):
        conversations.mark_helpful(actor=world.asker, post=world.reply, helpful=helpful)
    world.reply.refresh_from_db()


def test_marking_a_reply_helpful_asks_the_asker_once(world, django_capture_on_commit_callbacks):
    _mark_helpful(world, django_capture_on_commit_callbacks)
    prompt = ValuePrompt.objects.get()
    assert (prompt.user, prompt.thread, prompt.kind) == (world.asker, world.ask, "helpful")
    # Unmarked and marked again, and another reply marked: still one question.
    _mark_helpful(world, django_capture_on_commit_callbacks, helpful=False)
    _mark_helpful(world, django_capture_on_commit_callbacks)
    other = conversations.post_reply(actor=world.facilitator, thread=world.ask, body="Audit first.")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.mark_helpful(actor=world.asker, post=other)
    assert ValuePrompt.objects.count() == 1


def test_the_signal_is_sent_after_commit_only(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        conversations.mark_helpful(actor=world.asker, post=world.reply)
    assert not ValuePrompt.objects.exists()
    for callback in callbacks:
        callback()
    assert ValuePrompt.objects.count() == 1


def test_repeats_of_the_receiver_find_the_same_prompt(world):
    first = services.ask_after_helpful(post=world.reply, actor=world.asker)
    second = services.ask_after_helpful(post=world.reply, actor=world.asker)
    assert first.pk == second.pk
    assert services.ask_after_helpful(post=world.reply, actor=world.member) is None


def test_an_asker_who_already_told_the_story_is_not_asked(world):
    story = services.record_story(
        actor=world.asker,
        community=world.community,
        cycle="realised",
        title="Saved",
        story="Saved.",
        thread_ids=[world.ask.pk],
    )
    prompt = services.ask_after_helpful(post=world.reply, actor=world.asker)
    assert prompt.story == story


def test_attending_a_meeting_asks_once_when_it_is_over(world, django_capture_on_commit_callbacks):
    ahead = make_meeting(world.community, days_ago=-1, title="Next month at Contoso")
    for meeting in (world.meeting, ahead):
        with django_capture_on_commit_callbacks(execute=True):
            meetings.record_attendance(
                actor=world.facilitator, meeting=meeting, user=world.member, attended=True
            )
            meetings.record_attendance(
                actor=world.facilitator, meeting=meeting, user=world.member, attended=True
            )
    assert ValuePrompt.objects.filter(user=world.member, kind="attended").count() == 2
    shown = services_pending(world.member, world)
    assert [p.meeting for p in shown] == [world.meeting]


def services_pending(person, world, **kwargs):
    from copse.value.selectors import pending_prompts

    return pending_prompts(person, world.community, **kwargs)


def test_absence_cancelled_and_long_past_meetings_ask_nothing(
    world, django_capture_on_commit_callbacks
):
    long_ago = make_meeting(world.community, days_ago=60, title="January")
    cancelled = make_meeting(world.community, days_ago=2, title="Cancelled", status="cancelled")
    with django_capture_on_commit_callbacks(execute=True):
        meetings.record_attendance(
            actor=world.facilitator, meeting=world.meeting, user=world.member, attended=False
        )
        meetings.record_attendance(
            actor=world.facilitator, meeting=long_ago, user=world.member, attended=True
        )
    assert services.ask_after_meeting(meeting=cancelled, user=world.member) is None
    assert not ValuePrompt.objects.exists()


def test_the_prompt_shows_on_the_thread_and_the_home_for_the_asker_only(
    client, world, django_capture_on_commit_callbacks
):
    _mark_helpful(world, django_capture_on_commit_callbacks)
    client.force_login(world.asker)
    for url in (world.ask.get_absolute_url(), world.community.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Did this save you time or money?" in page, url
        assert "Record it" in page and "Not now" in page
    for person in (world.member, world.facilitator, world.delegate):
        client.force_login(person)
        for url in (world.ask.get_absolute_url(), world.community.get_absolute_url()):
            assert "Did this save you time or money?" not in client.get(url).content.decode()


def test_the_thread_page_shows_only_the_prompt_about_that_thread(client, world):
    other = conversations.start_thread(
        actor=world.asker, community=world.community, kind="ask", title="Service desks?", body="?"
    )
    ValuePrompt.objects.create(
        user=world.asker, community=world.community, kind="helpful", thread=other
    )
    client.force_login(world.asker)
    assert "Did this save" not in client.get(world.ask.get_absolute_url()).content.decode()
    assert "Service desks?" in client.get(world.community.get_absolute_url()).content.decode()


def test_record_it_prefills_the_thread_and_the_realised_cycle_and_answers_the_prompt(client, world):
    prompt = ValuePrompt.objects.create(
        user=world.asker, community=world.community, kind="helpful", thread=world.ask
    )
    client.force_login(world.asker)
    page = client.get(reverse("value:new", args=["cio"]), {"prompt": prompt.pk}).content.decode()
    realised_radio = page.split('name="cycle" value="realised"')[1].split(">")[0]
    assert "checked" in realised_radio
    assert f'name="threads" value="{world.ask.pk}"' in page
    thread_box = page.split(f'name="threads" value="{world.ask.pk}"')[1].split(">")[0]
    assert "checked" in thread_box
    client.post(reverse("value:new", args=["cio"]), story_data(threads=[str(world.ask.pk)]))
    prompt.refresh_from_db()
    assert prompt.story is not None
    assert "Did this save" not in client.get(world.ask.get_absolute_url()).content.decode()


def test_someone_elses_prompt_prefills_nothing(client, world):
    prompt = ValuePrompt.objects.create(
        user=world.asker, community=world.community, kind="helpful", thread=world.ask
    )
    client.force_login(world.member)
    page = client.get(reverse("value:new", args=["cio"]), {"prompt": prompt.pk}).content.decode()
    assert "Did it save you time or money?" not in page
    assert "checked" not in page.split('name="threads"')[1].split(">")[0]


def test_not_now_dismisses_for_good_and_goes_back(client, world):
    prompt = ValuePrompt.objects.create(
        user=world.asker, community=world.community, kind="helpful", thread=world.ask
    )
    url = reverse("value:dismiss_prompt", args=[prompt.pk])
    client.force_login(world.member)
    assert client.post(url).status_code == 404
    client.force_login(world.asker)
    response = client.post(url, {"next": world.ask.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == world.ask.get_absolute_url()
    prompt.refresh_from_db()
    assert prompt.dismissed_at is not None
    assert "Did this save" not in client.get(world.ask.get_absolute_url()).content.decode()
    # Somewhere else is never where "Not now" sends anyone.
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == world.community.get_absolute_url()


def test_not_now_with_htmx_swaps_the_prompt_in_place(client, world):
    prompt = ValuePrompt.objects.create(
        user=world.asker, community=world.community, kind="helpful", thread=world.ask
    )
    client.force_login(world.asker)
    response = client.post(
        reverse("value:dismiss_prompt", args=[prompt.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "we will not ask about this again" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_prompts_leave_with_the_seat_and_with_the_thread(client, world):
    ValuePrompt.objects.create(
        user=world.asker, community=world.community, kind="helpful", thread=world.ask
    )
    assert services_pending(world.asker, world)
    world.ask.removed_at = timezone.now()
    world.ask.save(update_fields=["removed_at"])
    assert services_pending(world.asker, world) == []
    world.ask.removed_at = None
    world.ask.save(update_fields=["removed_at"])
    from copse import testing

    testing.seat(world.community, world.asker, status="left")
    assert services_pending(world.asker, world) == []


def test_at_most_a_few_prompts_show_at_once(world):
    for n in range(6):
        meeting = make_meeting(world.community, days_ago=n + 1, title=f"Meeting {n}")
        ValuePrompt.objects.create(
            user=world.member, community=world.community, kind="attended", meeting=meeting
        )
    assert len(services_pending(world.member, world)) == 3


def test_conversations_and_meetings_never_import_value():
    root = Path(__file__).resolve().parents[2]
    for app in ("conversations", "meetings"):
        for source in (root / app).rglob("*.py"):
            assert "copse.value" not in source.read_text(), source


def test_a_meeting_under_way_is_asked_about_once_it_ends(world):
    """A meeting under way is not asked about until it ends."""
    now = timezone.now()
    running = make_meeting(world.community, days_ago=0.05, hours=4, title="Under way")
    ValuePrompt.objects.create(
        user=world.member, community=world.community, kind="attended", meeting=running
    )
    assert services_pending(world.member, world) == []
    running.ends_at = now - dt.timedelta(minutes=1)
    running.save(update_fields=["ends_at"])
    assert [p.meeting for p in services_pending(world.member, world)] == [running]
