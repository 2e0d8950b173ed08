"""Properties of a date poll's times across daylight-saving changes, in zones
that change by an hour, by half an hour (Lord Howe), in the southern
hemisphere, and not at all.

The oracle is independent of `polls.local_to_utc`: a wall-clock time exists
in a zone when some UTC instant shows it there; the candidates are the
wall-clock time minus each offset the zone uses around it.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copse.decisions import polls
from copse.decisions.templatetags.date_polls import poll_time

ZONES = [
    "Europe/Berlin",
    "America/Los_Angeles",
    "America/St_Johns",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "America/Santiago",
    "Asia/Kolkata",
    "UTC",
]


def _transitions(zone_name: str) -> list[dt.datetime]:
    """UTC instants at which the zone's offset changes, 2025–2035, found by
    scanning hour by hour and narrowing to the minute."""
    zone = ZoneInfo(zone_name)
    found = []
    t = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2035, 12, 31, tzinfo=dt.UTC)
    step = dt.timedelta(hours=6)
    before = t.astimezone(zone).utcoffset()
    while t < end:
        nxt = t + step
        after = nxt.astimezone(zone).utcoffset()
        if after != before:
            lo, hi = t, nxt
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(zone).utcoffset() == before:
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(second=0, microsecond=0))
        before, t = after, nxt
    return found


TRANSITIONS = {name: _transitions(name) for name in ZONES}


def _exists(naive: dt.datetime, zone: ZoneInfo) -> list[dt.datetime]:
    """Every UTC instant whose wall-clock time in `zone` is `naive`."""
    offsets = {naive.replace(tzinfo=zone, fold=fold).utcoffset() for fold in (0, 1)} | {
        (naive + dt.timedelta(hours=h)).replace(tzinfo=zone).utcoffset() for h in (-3, 3)
    }
    found = set()
    for offset in offsets:
        instant = (naive - offset).replace(tzinfo=dt.UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == naive:
            found.add(instant)
    return sorted(found)


@st.composite
def wall_times_near_changes(draw):
    """A zone and a wall-clock time, mostly within hours of a clock change."""
    name = draw(st.sampled_from(ZONES))
    changes = TRANSITIONS[name]
    if changes and draw(st.booleans()):
        at = draw(st.sampled_from(changes)).astimezone(ZoneInfo(name)).replace(tzinfo=None)
        naive = at + dt.timedelta(minutes=draw(st.integers(-240, 240)))
    else:
        naive = draw(
            st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2035, 12, 31))
        )
    return name, naive.replace(second=0, microsecond=0)


@settings(max_examples=400, deadline=None)
@given(wall_times_near_changes())
def test_a_wall_clock_time_is_placed_at_its_first_instant_or_refused_when_skipped(case):
    name, naive = case
    zone = ZoneInfo(name)
    instants = _exists(naive, zone)
    if not instants:
        with pytest.raises(polls.NonexistentTime, match="does not exist"):
            polls.local_to_utc(naive.date(), naive.time(), name)
        return
    placed = polls.local_to_utc(naive.date(), naive.time(), name)
    # Round trip: the instant shows the same wall-clock time in its zone.
    assert placed.astimezone(zone).replace(tzinfo=None) == naive
    # Of two instants (the clocks went back), the first: fold=0.
    assert placed == instants[0]
    assert polls.is_ambiguous(naive.date(), naive.time(), name) == (len(instants) > 1)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2035, 12, 31),
        timezones=st.just(dt.UTC),
    ),
)
def test_any_instant_shown_on_local_clocks_comes_back_to_itself_unless_the_clocks_repeat(
    name, instant
):
    instant = instant.replace(second=0, microsecond=0)
    local = instant.astimezone(ZoneInfo(name))
    back = polls.local_to_utc(local.date(), local.time(), name)
    if local.fold == 0:
        assert back == instant
    else:
        # The second pass through a repeated hour is read as the first.
        assert back < instant
        assert back.astimezone(ZoneInfo(name)).replace(tzinfo=None) == local.replace(tzinfo=None)


class _Reader:
    is_authenticated = True

    def __init__(self, time_zone):
        self.time_zone = time_zone


class _Poll:
    duration_minutes = 90

    def __init__(self, time_zone):
        self.time_zone = time_zone


@settings(max_examples=200, deadline=None)
@given(wall_times_near_changes(), st.sampled_from(ZONES))
def test_each_reader_sees_the_proposed_time_on_their_own_clocks(case, reader_zone):
    name, naive = case
    try:
        instant = polls.local_to_utc(naive.date(), naive.time(), name)
    except polls.NonexistentTime:
        return
    shown = str(poll_time(instant, _Reader(reader_zone), _Poll(name)))
    theirs = instant.astimezone(ZoneInfo(reader_zone))
    assert f'datetime="{theirs.isoformat()}"' in shown
    assert f"{theirs:%a %-d %B %Y}, {theirs:%H:%M}" in shown
    if theirs.utcoffset() != instant.astimezone(ZoneInfo(name)).utcoffset():
        assert f"{naive:%H:%M} in {name.replace('_', ' ')}, as proposed" in shown


def test_the_scan_found_the_changes_it_should():
    """The strategies above are only as good as the changes they aim at."""
    assert len(TRANSITIONS["Europe/Berlin"]) == 22
    assert TRANSITIONS["Asia/Kolkata"] == [] and TRANSITIONS["UTC"] == []
    lord_howe = ZoneInfo("Australia/Lord_Howe")
    jump = TRANSITIONS["Australia/Lord_Howe"][0]
    change = (
        jump.astimezone(lord_howe).utcoffset()
        - (jump - dt.timedelta(minutes=1)).astimezone(lord_howe).utcoffset()
    )
    assert abs(change) == dt.timedelta(minutes=30)
