"""Series expand in local time: the right weekday of the right week, at the same
wall-clock time on both sides of daylight-saving changes."""

import calendar
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copse.meetings import recurrence
from copse.meetings.models import MeetingSeries

ZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
]
WEEKDAY_INDEX = {code: n for n, code in enumerate(recurrence.WEEKDAYS)}


def _nth_weekday(year, month, weekday, nth):
    days = [
        d
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, d).weekday() == weekday
    ]
    return days[nth - 1] if nth > 0 else days[-1]


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    cadence=st.sampled_from(list(recurrence.CADENCES)),
    nth=st.sampled_from(list(recurrence.ORDINALS)),
    weekday=st.sampled_from(list(recurrence.WEEKDAYS)),
    first=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2032, 12, 1)),
    # Whole hours from 06:00 to 21:00 never fall into a daylight-saving gap.
    hour=st.integers(min_value=6, max_value=21),
)
def test_every_occurrence_is_the_nth_weekday_at_the_same_local_time(
    zone, cadence, nth, weekday, first, hour
):
    series = MeetingSeries(
        rrule=recurrence.build_rrule(cadence=cadence, nth=nth, weekday=weekday),
        first_date=first,
        start_time=dt.time(hour, 30),
        time_zone=zone,
    )
    after = dt.datetime.combine(first, dt.time(0), tzinfo=ZoneInfo(zone))
    starts = recurrence.occurrences(series, after=after, before=after + dt.timedelta(days=800))
    assert len(starts) >= 800 // (31 * recurrence.CADENCES[cadence][1]) - 1
    months = []
    for start in starts:
        local = start.astimezone(ZoneInfo(zone))
        assert (local.hour, local.minute) == (hour, 30)
        assert local.day == _nth_weekday(local.year, local.month, WEEKDAY_INDEX[weekday], nth)
        months.append(local.year * 12 + local.month)
    interval = recurrence.CADENCES[cadence][1]
    assert all(b - a == interval for a, b in itertools.pairwise(months))


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TH", "Second Thursday, every month"),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR", "Last Friday, every other month"),
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=+1MO", "First Monday, every quarter"),
    ],
)
def test_rules_read_as_words_and_round_trip(rule, words):
    assert recurrence.describe_rrule(rule) == words
    parsed = recurrence.parse_rrule(rule)
    assert recurrence.build_rrule(**parsed) == rule


def test_utc_time_moves_when_the_clocks_change_and_local_time_does_not():
    series = MeetingSeries(
        rrule="FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TH",
        first_date=dt.date(2027, 1, 1),
        start_time=dt.time(13, 0),
        time_zone="America/Los_Angeles",
    )
    utc = dt.UTC
    starts = recurrence.occurrences(
        series,
        after=dt.datetime(2027, 2, 1, tzinfo=utc),
        before=dt.datetime(2027, 4, 1, tzinfo=utc),
    )
    # 11 February and 11 March come before the clocks change on 14 March: PST, UTC-8.
    assert [s.astimezone(utc).hour for s in starts] == [21, 21]
    later = recurrence.occurrences(
        series,
        after=dt.datetime(2027, 4, 1, tzinfo=utc),
        before=dt.datetime(2027, 5, 1, tzinfo=utc),
    )
    assert [s.astimezone(utc).hour for s in later] == [20]  # 8 April, PDT (UTC-7)
