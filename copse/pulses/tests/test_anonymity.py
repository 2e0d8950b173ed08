"""No query or page can join an answer to a person.

- The tables: an answer names nobody and holds no time; the row that says
  someone answered points to no answer and holds no time either; nothing
  in Copse points at an answer.
- The keys: an answer's key is random, so the answers' order says nothing
  of the order people answered in; once the pulse closes, even the order
  the rows sit in is shuffled.
- The pages: no pulses page, for any role, facilitators included, names
  anyone who answered.
- The side effects: answering writes no audit entry, no notification and no
  log line.
- The threshold: results show exactly when the pulse has closed and at
  least max(threshold, 5) answered; the database refuses a threshold
  below five, and so does the form.
"""

import datetime as dt
import logging
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copse import testing
from copse.accounts.models import User
from copse.audit.models import AuditEntry
from copse.core import permissions
from copse.notifications.models import Notification
from copse.pulses.closing import seal_answers
from copse.pulses.forms import ScheduleForm
from copse.pulses.models import Pulse, PulseAnswer, Respondent
from copse.pulses.statements import MINIMUM_RESPONDENTS
from copse.pulses.tests.conftest import answer, close, open_pulse

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


# --- The tables ---------------------------------------------------------------------


def test_an_answer_row_names_nobody_and_holds_no_time():
    columns = {field.name for field in PulseAnswer._meta.concrete_fields}
    assert columns == {
        "id",
        "pulse",
        "statement_1",
        "statement_2",
        "statement_3",
        "statement_4",
        "statement_5",
        "open_answer",
    }
    for field in PulseAnswer._meta.get_fields():
        assert not isinstance(field, TIME_FIELDS), field.name
        if field.is_relation:
            assert field.related_model is Pulse, field.name


def test_who_answered_is_stored_apart_and_points_to_no_answer():
    assert {field.name for field in Respondent._meta.concrete_fields} == {"id", "pulse", "user"}
    for field in Respondent._meta.get_fields():
        assert not isinstance(field, TIME_FIELDS), field.name
        assert not (field.is_relation and field.related_model is PulseAnswer), field.name


def test_nothing_in_copse_points_at_an_answer():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation:
                assert field.related_model is not PulseAnswer, f"{model.__name__}.{field.name}"


@pytest.mark.django_db
def test_the_database_tables_have_only_those_columns():
    with connection.cursor() as cursor:
        answers = connection.introspection.get_table_description(cursor, "pulses_pulseanswer")
        respondents = connection.introspection.get_table_description(cursor, "pulses_respondent")
    assert {column.name for column in answers} == {
        "id",
        "pulse_id",
        "statement_1",
        "statement_2",
        "statement_3",
        "statement_4",
        "statement_5",
        "open_answer",
    }
    assert {column.name for column in respondents} == {"id", "pulse_id", "user_id"}


def test_an_answer_key_is_random():
    field = PulseAnswer._meta.pk
    assert isinstance(field, models.UUIDField) and field.default.__name__ == "uuid4"


# --- The keys and the order of rows -------------------------------------------------


def _many_answers(circle, count=30):
    """`count` people answer in turn, each writing their place in the queue."""
    pulse = open_pulse(circle)
    people = list(circle.seated)
    while len(people) < count:
        person = testing.make_user()
        testing.seat(circle.community, person)
        people.append(person)
    for n, person in enumerate(people[:count]):
        answer(pulse, person, scores=(n % 5 + 1,) * 5, text=f"answered {n:02d}")
    return pulse, [f"answered {n:02d}" for n in range(count)]


def test_ordering_answers_by_key_does_not_follow_the_order_people_answered(circle):
    pulse, in_order = _many_answers(circle)
    by_key = list(
        PulseAnswer.objects.filter(pulse=pulse).order_by("pk").values_list("open_answer", flat=True)
    )
    assert sorted(by_key) == in_order
    assert by_key != in_order


def test_once_closed_even_the_order_rows_sit_in_is_shuffled(circle):
    pulse, in_order = _many_answers(circle)
    close(pulse)
    assert seal_answers(pulse.pk) == len(in_order)
    with connection.cursor() as cursor:
        # No ORDER BY: the rows as the table holds them.
        cursor.execute("SELECT open_answer FROM pulses_pulseanswer WHERE pulse_id = %s", [pulse.pk])
        as_stored = [row[0] for row in cursor.fetchall()]
    assert sorted(as_stored) == in_order
    assert as_stored != in_order


# --- The pages ----------------------------------------------------------------------


@pytest.fixture
def everyone(circle):
    """Every role towards the circle, and two pulses everyone seated answered:
    one open, one closed with results."""
    community = circle.community
    others = {
        "guest_presenter": testing.make_user(name="Gus Guest"),
        "former_member": testing.make_user(name="Fred Former"),
        "non_member": testing.make_user(name="Olive Outsider"),
        "site_admin": testing.make_site_admin(name="Ada Admin"),
        "sponsor": testing.make_user(name="Stan Sponsor", is_sponsor=True),
    }
    testing.seat(community, others["guest_presenter"], role="guest_presenter")
    testing.seat(community, others["former_member"], status="left")
    earlier = open_pulse(circle)
    for person in circle.seated:
        answer(pulse=earlier, person=person, text=f"Said by someone, {len(person.name)}")
    earlier = close(earlier, days_ago=40)
    current = open_pulse(circle)
    for person in circle.seated[:6]:
        answer(current, person)
    viewers = {
        "facilitator": circle.facilitator,
        "member": circle.members[0],
        "delegate": circle.delegate,
        **others,
    }
    return circle, viewers, earlier, current


def _pages(circle, earlier, current):
    slug = circle.community.slug
    return [
        reverse("pulses:list", args=[slug]),
        reverse("pulses:new", args=[slug]),
        earlier.get_absolute_url(),
        current.get_absolute_url(),
    ]


def _main(html: str) -> str:
    found = re.search(r"<main\b.*?</main>", html, re.DOTALL)
    return found.group(0) if found else ""


def test_no_page_names_anyone_who_answered_whoever_looks(client, everyone):
    circle, viewers, earlier, current = everyone
    names = [person.name for person in circle.seated]
    shown = 0
    for role, viewer in viewers.items():
        client.force_login(viewer)
        for url in _pages(circle, earlier, current):
            response = client.get(url)
            if role in ("facilitator", "member", "delegate"):
                assert response.status_code == 200 or url.endswith("/new/"), (role, url)
            else:
                assert response.status_code == 404, (role, url)
            main = _main(response.content.decode())
            for name in names:
                assert name not in main, (role, url, name)
            if response.status_code == 200:
                shown += 1
                assert "answered by" not in main.lower()
    # The seated see three pages each and the facilitator four.
    assert shown == 10


def test_the_page_of_a_closed_pulse_shows_its_answers_and_nobody_behind_them(client, everyone):
    circle, viewers, earlier, current = everyone
    client.force_login(viewers["facilitator"])
    main = _main(client.get(earlier.get_absolute_url()).content.decode())
    assert "10 people answered" in main and "Said by someone" in main
    main = _main(client.get(current.get_absolute_url()).content.decode())
    assert "6 people have answered" in main and "Said by someone" not in main


# --- The side effects ---------------------------------------------------------------


def test_answering_writes_no_audit_entry_no_notification_and_no_log_line(
    client, circle, caplog, django_capture_on_commit_callbacks
):
    pulse = open_pulse(circle)
    person = circle.members[4]
    client.force_login(person)
    audit, notices = AuditEntry.objects.count(), Notification.objects.count()
    data = {**{f"statement_{n}": "3" for n in range(1, 6)}, "open_answer": "Quietly."}
    caplog.clear()
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pulses:answer", args=[circle.community.slug, pulse.pk]), data
        )
    assert response.status_code == 302
    assert [f"{r.name}: {r.getMessage()}" for r in caplog.records] == []
    assert AuditEntry.objects.count() == audit
    assert Notification.objects.count() == notices
    assert not AuditEntry.objects.filter(action__icontains="answer").exists()
    assert PulseAnswer.objects.count() == 1 and Respondent.objects.count() == 1


# --- The threshold ------------------------------------------------------------------

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def seated_member(db):
    community = testing.make_community()
    member = testing.make_user()
    testing.seat(community, member)
    return community, member


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    threshold=st.integers(min_value=0, max_value=40),
    count=st.integers(min_value=0, max_value=60),
    closes_in=st.integers(min_value=-30, max_value=30),
    cancelled=st.booleans(),
)
def test_results_show_exactly_when_closed_and_enough_answered(
    seated_member, threshold, count, closes_in, cancelled
):
    community, member = seated_member
    closes_on = timezone.localdate() + dt.timedelta(days=closes_in)
    pulse = Pulse(
        community=community,
        opens_on=closes_on - dt.timedelta(days=10),
        closes_on=closes_on,
        min_respondents=threshold,
        respondent_count=count,
        cancelled_at=timezone.now() if cancelled else None,
    )
    closed = closes_in < 0 and not cancelled
    expected = closed and count >= max(threshold, MINIMUM_RESPONDENTS)
    assert pulse.results_shown is expected
    assert permissions.can(member, "pulse.view_results", pulse) is expected
    # Only the seated, whatever the figures.
    outsider = User(email="out@example.com", display_name="Out", is_active=True)
    outsider.pk = 10**9
    outsider._copse_standings = {}
    assert permissions.can(outsider, "pulse.view_results", pulse) is False


@pytest.mark.parametrize("threshold", range(MINIMUM_RESPONDENTS))
def test_the_database_refuses_a_threshold_below_five(seated_member, threshold):
    community, _ = seated_member
    with pytest.raises(IntegrityError), transaction.atomic():
        Pulse.objects.create(
            community=community, opens_on=TODAY, closes_on=TODAY, min_respondents=threshold
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Pulse.objects.create(community=community, opens_on=TODAY, closes_on=TODAY)
        Pulse.objects.update(min_respondents=threshold)


@given(threshold=st.integers(min_value=-100, max_value=2000))
def test_the_form_takes_a_threshold_from_five(threshold):
    form = ScheduleForm(
        {
            "opens_on": "2026-06-15",
            "closes_on": "2026-06-30",
            "open_question": "Anything?",
            "min_respondents": str(threshold),
            "repeat_every_months": "0",
        }
    )
    valid = form.is_valid()
    assert valid is (MINIMUM_RESPONDENTS <= threshold <= 1000)
    if threshold < MINIMUM_RESPONDENTS:
        assert "at least 5 answers" in form.errors["min_respondents"][0]
