"""`pulses.report.trends`: what the sponsor's report is given of trust
pulses. Only pulses whose results anyone may see (closed, answered by at
least their threshold, never below five), as means per statement per
quarter; never an open answer."""

import datetime as dt

import pytest
from django.utils import timezone

from copse.pulses.models import Pulse
from copse.pulses.report import quarter_label, quarter_of, trends
from copse.sponsors.tests import programme

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def _pulse(made, opens_on, answers, **fields):
    pulse = programme.pulse(made, answers=answers)
    Pulse.objects.filter(pk=pulse.pk).update(
        opens_on=opens_on, closes_on=opens_on + dt.timedelta(days=14), **fields
    )
    return pulse


def test_trends_average_each_pulses_mean_per_quarter():
    first = programme.community(members=8)
    second = programme.community(members=8)
    _pulse(first, dt.date(2026, 4, 1), [(2, 2, 2, 2, 2)] * 5)
    _pulse(second, dt.date(2026, 5, 10), [(4, 4, 4, 4, 4)] * 7 + [(5, 5, 5, 5, 5)])
    _pulse(first, dt.date(2026, 7, 1), [(3, 4, 5, 1, 2)] * 6)
    result = trends([first.community.pk, second.community.pk], today=TODAY)
    assert [row["quarter"] for row in result] == ["2026 Q2", "2026 Q3"]
    q2 = result[0]
    assert (q2["pulses"], q2["respondents"]) == (2, 13)
    # (2 + 4.125) / 2: each community's pulse counts once.
    assert q2["means"] == [3.06] * 5
    assert result[1]["means"] == [3.0, 4.0, 5.0, 1.0, 2.0]
    assert "open_answer" not in str(result)


def test_trends_leave_out_pulses_below_threshold_open_or_cancelled():
    made = programme.community(members=10)
    _pulse(made, dt.date(2026, 1, 5), [(5, 5, 5, 5, 5)] * 4)
    _pulse(made, dt.date(2026, 2, 5), [(5, 5, 5, 5, 5)] * 6, min_respondents=7)
    _pulse(made, dt.date(2026, 3, 5), [(5, 5, 5, 5, 5)] * 6, cancelled_at=timezone.now())
    _pulse(made, dt.date(2026, 11, 25), [(5, 5, 5, 5, 5)] * 6)  # still open on TODAY
    _pulse(made, dt.date(2026, 6, 5), [(1, 2, 3, 4, 5)] * 7, min_respondents=7)
    result = trends([made.community.pk], today=TODAY)
    assert [(row["quarter"], row["respondents"]) for row in result] == [("2026 Q2", 7)]


def test_trends_keep_to_the_communities_and_the_period_asked_for():
    asked = programme.community(members=5)
    other = programme.community(members=5)
    _pulse(asked, dt.date(2025, 3, 1), [(3, 3, 3, 3, 3)] * 5)
    _pulse(asked, dt.date(2026, 9, 1), [(4, 4, 4, 4, 4)] * 5)
    _pulse(other, dt.date(2026, 9, 1), [(1, 1, 1, 1, 1)] * 5)
    result = trends([asked.community.pk], since=dt.date(2026, 1, 1), today=TODAY)
    assert [(row["quarter"], row["means"][0]) for row in result] == [("2026 Q3", 4.0)]


def test_quarters():
    assert quarter_of(dt.date(2026, 12, 31)) == dt.date(2026, 10, 1)
    assert quarter_label(quarter_of(dt.date(2026, 2, 28))) == "2026 Q1"


@pytest.mark.parametrize("pulses", [1, 6])
def test_trends_run_one_query_whatever_the_number_of_pulses(django_assert_max_num_queries, pulses):
    made = programme.community(members=5)
    for n in range(pulses):
        _pulse(made, dt.date(2026, 1 + n, 1), [(4, 4, 4, 4, 4)] * 5)
    with django_assert_max_num_queries(1):
        trends([made.community.pk], today=TODAY)
