"""Facilitators schedule a pulse from its page: today or later, closing
after it opens and within 60 days, a threshold never below five, one pulse
at a time; they cancel it before it closes. Members are told once when it
opens."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from copse.audit.models import AuditEntry
from copse.mailing.models import OutgoingMessage
from copse.notifications.models import Notification
from copse.pulses import services
from copse.pulses.models import Pulse, PulseAnswer
from copse.pulses.statements import DEFAULT_OPEN_QUESTION
from copse.pulses.tests.conftest import answer, close, open_pulse


def _form(**overrides):
    today = timezone.localdate()
    data = {
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=21)).isoformat(),
        "open_question": "What would make this circle more useful to you?",
        "min_respondents": "5",
        "repeat_every_months": "3",
    }
    data.update(overrides)
    return data


def _new(circle):
    return reverse("pulses:new", args=[circle.community.slug])


def test_the_form_starts_with_the_open_question_and_five(client, circle):
    client.force_login(circle.facilitator)
    page = client.get(_new(circle)).content.decode()
    assert DEFAULT_OPEN_QUESTION in page
    assert 'name="min_respondents" value="5"' in page
    assert 'type="date"' in page


def test_a_facilitator_opens_a_pulse_today_and_every_member_is_told_once(
    client, circle, django_capture_on_commit_callbacks
):
    client.force_login(circle.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_new(circle), _form())
    pulse = Pulse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == pulse.get_absolute_url()
    assert pulse.is_open and pulse.repeat_every_months == 3 and pulse.min_respondents == 5
    assert pulse.scheduled_by == circle.facilitator
    told = Notification.objects.filter(kind="pulse_opened", target_id=pulse.pk)
    # Everyone seated, the facilitator who scheduled it too: they answer as well.
    assert set(told.values_list("user_id", flat=True)) == {p.pk for p in circle.seated}
    assert OutgoingMessage.objects.filter(notification__in=told).count() == len(circle.seated)
    pulse.refresh_from_db()
    assert pulse.opening_announced_at is not None
    entry = AuditEntry.objects.get(action="pulse.scheduled")
    assert entry.actor == circle.facilitator and entry.detail["pulse"] == pulse.pk
    # The sweep tells nobody twice.
    from copse.pulses.tasks import sweep_pulses, tell_members_of_pulse

    with django_capture_on_commit_callbacks(execute=True):
        sweep_pulses.call()
        tell_members_of_pulse.call(pulse.pk)
    assert told.count() == len(circle.seated)
    assert OutgoingMessage.objects.count() == len(circle.seated)


def test_a_pulse_scheduled_for_later_is_told_when_it_opens(circle):
    from copse.pulses.tasks import sweep_pulses

    today = timezone.localdate()
    pulse = open_pulse(
        circle, opens_on=today + dt.timedelta(days=3), closes_on=today + dt.timedelta(days=10)
    )
    assert not pulse.is_open
    assert not Notification.objects.filter(kind="pulse_opened").exists()
    sweep_pulses.call()
    assert not Notification.objects.filter(kind="pulse_opened").exists()
    Pulse.objects.filter(pk=pulse.pk).update(opens_on=today)
    assert sweep_pulses.call() == {"told": 1, "closed": 0}
    assert Notification.objects.filter(kind="pulse_opened").count() == len(circle.seated)
    assert sweep_pulses.call() == {"told": 0, "closed": 0}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_respondents": "4"}, "Results need at least 5 answers"),
        ({"min_respondents": "0"}, "Results need at least 5 answers"),
        ({"opens_on": "2001-01-01"}, "cannot open in the past"),
        # Days after today, counted when the test runs: a run that crosses
        # midnight must not send yesterday's dates.
        ({"closes_on": 0}, "Close the pulse after the day it opens"),
        ({"closes_on": 61}, "at most 60 days"),
        ({"open_question": "   "}, "Write the open question"),
        ({"opens_on": "next week"}, "Enter a date"),
        ({"repeat_every_months": "5"}, "Select a valid choice"),
    ],
)
def test_what_cannot_be_scheduled_comes_back_with_the_reason_and_what_was_typed(
    client, circle, overrides, message
):
    client.force_login(circle.facilitator)
    overrides = {
        name: (timezone.localdate() + dt.timedelta(days=value)).isoformat()
        if isinstance(value, int)
        else value
        for name, value in overrides.items()
    }
    data = _form(**{"open_question": "Kept as typed?", **overrides})
    response = client.post(_new(circle), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if data["open_question"].strip():
        assert "Kept as typed?" in page
    assert not Pulse.objects.exists()


def test_a_threshold_below_five_is_refused_by_the_service_too(circle):
    today = timezone.localdate()
    with pytest.raises(services.PulseError, match="at least 5"):
        services.schedule_pulse(
            actor=circle.facilitator,
            community=circle.community,
            opens_on=today,
            closes_on=today + dt.timedelta(days=7),
            open_question="Anything?",
            min_respondents=3,
        )


def test_one_pulse_at_a_time_open_or_scheduled(client, circle):
    pulse = open_pulse(circle)
    client.force_login(circle.facilitator)
    later = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        _new(circle),
        _form(opens_on=later.isoformat(), closes_on=(later + dt.timedelta(days=7)).isoformat()),
    )
    assert response.status_code == 400
    assert "A trust pulse is already open here" in response.content.decode()
    # Cancelled, it makes room; scheduled for later, it blocks another.
    services.cancel_pulse(actor=circle.facilitator, pulse=pulse)
    week_later = _form(
        opens_on=later.isoformat(), closes_on=(later + dt.timedelta(days=7)).isoformat()
    )
    assert client.post(_new(circle), week_later).status_code == 302
    response = client.post(_new(circle), _form())
    assert response.status_code == 400
    assert "A trust pulse is already scheduled here" in response.content.decode()
    # The list says so instead of offering the button.
    page = client.get(reverse("pulses:list", args=[circle.community.slug])).content.decode()
    assert "There is one pulse at a time" in page and "Schedule a pulse</a>" not in page


def test_members_do_not_schedule_nor_cancel(client, circle):
    pulse = open_pulse(circle)
    member = circle.members[1]
    client.force_login(member)
    assert client.get(_new(circle)).status_code == 404
    assert client.post(_new(circle), _form()).status_code == 404
    cancel = reverse("pulses:cancel", args=[circle.community.slug, pulse.pk])
    assert client.post(cancel).status_code == 404
    assert Pulse.objects.get().cancelled_at is None
    with pytest.raises(services.NotAllowed):
        services.cancel_pulse(actor=member, pulse=pulse)


def test_cancelling_deletes_the_answers_and_is_audited_without_them(client, circle):
    pulse = open_pulse(circle)
    for person in circle.members[:3]:
        answer(pulse, person, text="Secret thoughts")
    client.force_login(circle.facilitator)
    response = client.post(reverse("pulses:cancel", args=[circle.community.slug, pulse.pk]))
    assert response.status_code == 302
    pulse.refresh_from_db()
    assert pulse.cancelled_at is not None
    assert not PulseAnswer.objects.exists()
    entry = AuditEntry.objects.get(action="pulse.cancelled")
    assert entry.detail == {"pulse": pulse.pk, "answers_deleted": 3}
    page = client.get(pulse.get_absolute_url()).content.decode()
    assert "This pulse was cancelled" in page
    # Nobody answers a cancelled pulse.
    with pytest.raises(services.NotAllowed, match="cancelled"):
        answer(pulse, circle.members[5])


def test_a_closed_pulse_cannot_be_cancelled(client, circle):
    pulse = close(open_pulse(circle))
    with pytest.raises(services.PulseError, match="has closed"):
        services.cancel_pulse(actor=circle.facilitator, pulse=pulse)
    client.force_login(circle.facilitator)
    page = client.get(pulse.get_absolute_url()).content.decode()
    assert "Cancel this pulse" not in page
