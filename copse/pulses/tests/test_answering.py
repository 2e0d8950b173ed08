"""Members answer an open pulse once, from its page: five statements (each
a group of radio buttons with a legend, all required) and the open
question (optional). While it is open they see how many answered and
whether they did, never results."""

import pytest
from django.urls import reverse

from copse import testing
from copse.pulses import services
from copse.pulses.models import Pulse, PulseAnswer, Respondent
from copse.pulses.statements import STATEMENTS
from copse.pulses.tests.conftest import answer, close, open_pulse


def _answer_url(pulse):
    return reverse("pulses:answer", args=[pulse.community.slug, pulse.pk])


def _all(score="4", **extra):
    return {**{f"statement_{n}": score for n in range(1, 6)}, **extra}


def test_the_form_has_a_fieldset_and_legend_per_statement(client, circle):
    pulse = open_pulse(circle)
    client.force_login(circle.members[0])
    page = client.get(pulse.get_absolute_url()).content.decode()
    assert page.count("<fieldset>") == 5
    for n, text in enumerate(STATEMENTS, start=1):
        assert f"<legend>{n}. {text}" in page
        assert f'name="statement_{n}"' in page
    assert page.count('type="radio"') == 25
    assert "Strongly disagree" in page and "Strongly agree" in page
    assert pulse.open_question in page
    assert "0 people have answered" in page


def test_a_member_answers_and_sees_that_they_did_and_how_many_did(client, circle):
    pulse = open_pulse(circle)
    client.force_login(circle.members[0])
    response = client.post(_answer_url(pulse), _all("5", open_answer="Meet in person more."))
    assert response.status_code == 302
    assert response["Location"] == pulse.get_absolute_url()
    stored = PulseAnswer.objects.get()
    assert stored.scores == (5, 5, 5, 5, 5) and stored.open_answer == "Meet in person more."
    assert Respondent.objects.filter(pulse=pulse, user=circle.members[0]).exists()
    assert Pulse.objects.get().respondent_count == 1
    page = client.get(pulse.get_absolute_url()).content.decode()
    assert "Your answer is saved" in page
    assert "You have answered this pulse" in page
    assert "1 person has answered" in page
    assert 'type="radio"' not in page
    # The list says so too, and offers no second answer.
    listing = client.get(reverse("pulses:list", args=[circle.community.slug])).content.decode()
    assert "You answered" in listing and ">Answer</a>" not in listing


def test_the_open_question_is_optional(client, circle):
    pulse = open_pulse(circle)
    client.force_login(circle.members[1])
    assert client.post(_answer_url(pulse), _all("2")).status_code == 302
    assert PulseAnswer.objects.get().open_answer == ""


def test_missing_statements_come_back_with_a_message_and_what_was_chosen(client, circle):
    pulse = open_pulse(circle)
    client.force_login(circle.members[0])
    response = client.post(
        _answer_url(pulse),
        {"statement_1": "2", "statement_3": "5", "open_answer": "Kept while I fix the rest."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("Choose how far you agree with this statement.") == 3
    assert 'value="2" required id="id_statement_1_1" checked' in page
    assert 'value="5" required id="id_statement_3_4" checked' in page
    assert "Kept while I fix the rest." in page
    assert not PulseAnswer.objects.exists() and not Respondent.objects.exists()


def test_a_score_off_the_scale_is_refused(client, circle):
    pulse = open_pulse(circle)
    client.force_login(circle.members[0])
    response = client.post(_answer_url(pulse), _all("6"))
    assert response.status_code == 400
    assert not PulseAnswer.objects.exists()
    with pytest.raises(services.PulseError):
        answer(pulse, circle.members[0], scores=(1, 2, 3, 4))


def test_a_second_answer_is_refused_and_nothing_more_is_stored(client, circle):
    pulse = open_pulse(circle)
    person = circle.members[2]
    answer(pulse, person, scores=(1, 1, 1, 1, 1))
    with pytest.raises(services.AlreadyAnswered):
        answer(pulse, person, scores=(5, 5, 5, 5, 5))
    client.force_login(person)
    response = client.post(_answer_url(pulse), _all("5"), follow=True)
    assert "You have already answered" in response.content.decode()
    assert PulseAnswer.objects.count() == 1 and PulseAnswer.objects.get().scores == (1,) * 5
    assert Pulse.objects.get().respondent_count == 1


def test_the_database_refuses_a_second_respondent_row_whatever_the_code_checked(circle):
    """The service relies on the unique constraint, not on a look first."""
    pulse = open_pulse(circle)
    answer(pulse, circle.members[0])
    with pytest.raises(services.AlreadyAnswered):
        # A stale pulse object whose annotation says nothing of the first answer.
        services.answer_pulse(actor=circle.members[0], pulse=Pulse.objects.get(), scores=[3] * 5)
    assert Respondent.objects.count() == 1 and PulseAnswer.objects.count() == 1


def test_a_delegate_answers_and_so_does_the_facilitator(circle):
    pulse = open_pulse(circle)
    answer(pulse, circle.delegate)
    answer(pulse, circle.facilitator)
    assert Pulse.objects.get().respondent_count == 2


def test_who_may_not_answer_is_told_why(client, circle):
    pulse = open_pulse(circle)
    on_leave = circle.members[3]
    testing.seat(circle.community, on_leave, status="on_leave")
    client.force_login(on_leave)
    page = client.get(pulse.get_absolute_url()).content.decode()
    assert 'type="radio"' not in page and "Only members who are taking part now" in page
    response = client.post(_answer_url(pulse), _all())
    assert response.status_code == 403
    assert "You are on leave" in response.content.decode()
    assert not PulseAnswer.objects.exists()


def test_a_closed_or_future_pulse_takes_no_answers(client, circle):
    import datetime as dt

    from django.utils import timezone

    pulse = close(open_pulse(circle))
    with pytest.raises(services.NotAllowed, match="has closed"):
        answer(pulse, circle.members[0])
    client.force_login(circle.members[0])
    assert client.post(_answer_url(pulse), _all()).status_code == 403
    future = open_pulse(
        circle,
        opens_on=timezone.localdate() + dt.timedelta(days=2),
        closes_on=timezone.localdate() + dt.timedelta(days=9),
    )
    with pytest.raises(services.NotAllowed, match="opens on"):
        answer(future, circle.members[0])
    page = client.get(future.get_absolute_url()).content.decode()
    assert "The pulse opens on" in page and 'type="radio"' not in page
    assert not PulseAnswer.objects.exists()


def test_no_results_while_open_however_many_answered_not_even_for_facilitators(client, circle):
    pulse = open_pulse(circle)
    for n, person in enumerate(circle.members):
        answer(pulse, person, scores=(n % 5 + 1,) * 5, text=f"Open answer {n}")
    for viewer in (circle.facilitator, circle.members[0], circle.delegate):
        client.force_login(viewer)
        page = client.get(pulse.get_absolute_url()).content.decode()
        assert "8 people have answered" in page
        assert "Results never show while the pulse is open" in page
        assert "Open answer" not in page and "Mean" not in page
        listing = client.get(reverse("pulses:list", args=[circle.community.slug])).content.decode()
        assert "Open answer" not in listing and "answered)" not in listing
