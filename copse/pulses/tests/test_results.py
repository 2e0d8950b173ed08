"""After a pulse closes, the seated see per statement the mean and how many
gave each answer, and the open answers in a random order, when at least
the threshold answered; below it, one sentence and nothing else. The list
draws the trend across the pulses that met their threshold."""

from django.urls import reverse

from copse.pulses import selectors
from copse.pulses.models import Pulse, PulseAnswer
from copse.pulses.statements import STATEMENTS
from copse.pulses.tests.conftest import answer, close, open_pulse


def _answered(circle, count, **pulse_fields):
    pulse = open_pulse(circle, **pulse_fields)
    people = [*circle.members, circle.facilitator, circle.delegate]
    for n, person in enumerate(people[:count]):
        scores = (n % 5 + 1, 5, 4, 3 if n % 2 else 2, 1)
        answer(pulse, person, scores=scores, text=f"Thought number {n}" if n % 2 == 0 else "")
    return pulse


def test_results_show_the_mean_and_the_counts_per_statement(client, circle):
    pulse = close(_answered(circle, 6))
    client.force_login(circle.members[7])
    page = client.get(pulse.get_absolute_url()).content.decode()
    assert "6 people answered" in page
    results = selectors.results_for(circle.members[7], pulse)
    first, second, third, fourth, fifth = results.statements
    # Scores 1, 2, 3, 4, 5, 1 for the first statement.
    assert first.counts == (2, 1, 1, 1, 1) and first.mean == 2.7
    assert second.counts == (0, 0, 0, 0, 6) and second.mean == 5.0
    assert third.mean == 4.0 and fourth.counts == (0, 3, 3, 0, 0) and fifth.mean == 1.0
    for text in STATEMENTS:
        assert f'<th scope="row">{text}</th>' in page
    assert "<td>2.7</td>" in page
    assert '<th scope="col">Strongly disagree (1)</th>' in page
    for n in (0, 2, 4):
        assert f"Thought number {n}" in page
    assert pulse.open_question in page


def test_open_answers_come_in_the_order_of_their_random_keys(circle):
    pulse = close(_answered(circle, 10))
    results = selectors.results_for(circle.members[0], pulse)
    by_key = list(
        PulseAnswer.objects.filter(pulse=pulse)
        .exclude(open_answer="")
        .order_by("pk")
        .values_list("open_answer", flat=True)
    )
    assert results.open_answers == by_key
    assert sorted(results.open_answers) == [f"Thought number {n}" for n in (0, 2, 4, 6, 8)]


def test_below_the_threshold_nothing_but_one_sentence(client, circle):
    pulse = close(_answered(circle, 4))
    for viewer in (circle.facilitator, circle.members[0]):
        client.force_login(viewer)
        page = client.get(pulse.get_absolute_url()).content.decode()
        assert (
            "Fewer than 5 people answered, so no results are shown, to keep answers anonymous."
            in page
        )
        assert "Thought number" not in page and "Mean" not in page
        assert selectors.results_for(viewer, pulse) is None


def test_a_higher_threshold_set_by_the_facilitators_holds(client, circle):
    pulse = close(_answered(circle, 6, min_respondents=7))
    client.force_login(circle.members[0])
    page = client.get(pulse.get_absolute_url()).content.decode()
    assert "Fewer than 7 people answered" in page and "Thought number" not in page


def test_results_need_the_answers_themselves_not_only_the_count(circle):
    """A count raised by hand (or by a bug) shows nothing without the rows."""
    pulse = close(_answered(circle, 4))
    Pulse.objects.filter(pk=pulse.pk).update(respondent_count=9)
    pulse.refresh_from_db()
    assert pulse.results_shown
    assert selectors.results_for(circle.members[0], pulse) is None


def test_the_list_draws_the_trend_of_the_pulses_that_met_their_threshold(client, circle):
    first = close(_answered(circle, 5), days_ago=200)
    too_few = close(_answered(circle, 3), days_ago=100)
    second = close(_answered(circle, 7), days_ago=10)
    client.force_login(circle.members[0])
    page = client.get(reverse("pulses:list", args=[circle.community.slug])).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert f"{first.opens_on:%-d %b %Y} (5 answered)" in page
    assert f"{second.opens_on:%-d %b %Y} (7 answered)" in page
    assert f"{too_few.opens_on:%-d %b %Y} (3 answered)" not in page
    assert "Fewer than 5 answered: no results" in page
    # The table beside the chart: one row per pulse, one column per statement.
    assert '<th scope="col">Bring real problems</th>' in page
    points = selectors.trend_for(circle.members[0], circle.community)
    assert [p.pulse.pk for p in points] == [first.pk, second.pk]
    assert points[0].means[1] == 5.0


def test_no_trend_before_a_pulse_has_results(client, circle):
    open_pulse(circle)
    client.force_login(circle.members[0])
    page = client.get(reverse("pulses:list", args=[circle.community.slug])).content.decode()
    assert "The trend appears once a pulse has closed with at least 5 answers." in page
    assert ">Answer</a>" in page


def test_the_results_filter_agrees_with_the_rule(circle):
    from django.utils import timezone

    shown = close(_answered(circle, 5), days_ago=300)
    close(_answered(circle, 4), days_ago=200)
    open_pulse(circle)
    found = Pulse.objects.filter(selectors.results_shown_q(timezone.localdate()))
    assert list(found) == [shown]
    assert [p for p in Pulse.objects.all() if p.results_shown] == [shown]
