"""The pure rules: percentiles against the standard library, the period a
query string may ask for, how a nudge's template is filled, and how a
waiting time is said."""

import datetime as dt
import statistics

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copse.health.figures import (
    DEFAULT_PERIOD,
    fill_template,
    percentile,
    period_days,
    span_text,
)

# The machine may be busy: how fast examples come is not what is tested.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
spans = st.lists(
    st.floats(min_value=0, max_value=10**7, allow_nan=False, allow_infinity=False),
    min_size=2,
    max_size=60,
)


@relaxed
@given(spans)
def test_the_median_is_the_standard_librarys(values):
    assert abs(percentile(values, 0.5) - statistics.median(values)) <= 1e-6 * max(1, max(values))


@relaxed
@given(spans)
def test_the_90th_percentile_is_the_standard_librarys_inclusive_one(values):
    expected = statistics.quantiles(values, n=10, method="inclusive")[8]
    assert abs(percentile(values, 0.9) - expected) <= 1e-6 * max(1, max(values))


@relaxed
@given(spans)
def test_a_percentile_lies_between_the_smallest_and_largest(values):
    for share in (0, 0.5, 0.9, 1):
        assert min(values) <= percentile(values, share) <= max(values)


def test_percentiles_of_one_value_and_of_none():
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([], 0.5) is None


def test_only_the_three_periods_are_read():
    assert [period_days(v) for v in ("30", "90", "365")] == [30, 90, 365]
    for other in (None, "", "7", "30 ", "030", "abc", "9" * 5000, "\x00", ["30"], 30):
        assert period_days(other) == DEFAULT_PERIOD


@relaxed
@given(st.text(max_size=200), st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))
def test_filling_never_fails_and_leaves_other_braces_alone(template, name, community, who):
    filled = fill_template(template, name=name, community=community, facilitator=who)
    if "{" not in template:
        assert filled == template


def test_filling_replaces_the_three_placeholders_once():
    assert (
        fill_template(
            "{name}, {community}, {facilitator}; {name} {unknown} {0} {member.__class__}",
            name="Quinn {facilitator}",
            community="CIO",
            facilitator="Fay",
        )
        == "Quinn {facilitator}, CIO, Fay; Quinn {facilitator} {unknown} {0} {member.__class__}"
    )


def test_waiting_times_are_said_in_minutes_hours_or_days():
    assert span_text(None) == "–"
    assert span_text(dt.timedelta(minutes=1)) == "1 minute"
    assert span_text(dt.timedelta(minutes=40)) == "40 minutes"
    assert span_text(dt.timedelta(hours=1)) == "1 hour"
    assert span_text(dt.timedelta(hours=47)) == "47 hours"
    assert span_text(dt.timedelta(days=3, hours=5)) == "3 days"
