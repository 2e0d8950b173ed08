"""Property: whatever the instant and the zone, an exported meeting's start and
end read back as the same UTC instants, by the zone's name and by the
VTIMEZONE the export carries."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copse import testing
from copse.calendars import ics
from copse.calendars.tests.helpers import make_meeting, parse

UTC = dt.UTC
ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Los_Angeles",
]

FIRST, LAST = dt.datetime(2020, 1, 1, tzinfo=UTC), dt.datetime(2035, 1, 1, tzinfo=UTC)


def _offset_changes(zone_name):
    """The instants (to the hour) when the zone's UTC offset changes."""
    zone = ZoneInfo(zone_name)
    changes = []
    day = FIRST
    while day < LAST:
        next_day = day + dt.timedelta(days=1)
        if day.astimezone(zone).utcoffset() != next_day.astimezone(zone).utcoffset():
            hour = day
            while hour.astimezone(zone).utcoffset() == day.astimezone(zone).utcoffset():
                hour += dt.timedelta(hours=1)
            changes.append(hour)
        day = next_day
    return changes


# Uniform instants almost never land in the hours around a clock change, where
# local times are skipped or repeated; draw those on purpose as well.
CLOCK_CHANGES = {zone: _offset_changes(zone) for zone in ZONES}

anywhere = st.datetimes(
    min_value=FIRST.replace(tzinfo=None),
    max_value=LAST.replace(tzinfo=None) - dt.timedelta(days=2),
    timezones=st.just(UTC),
)


def _near_a_clock_change(zone):
    return st.builds(
        lambda change, minutes: change + dt.timedelta(minutes=minutes),
        st.sampled_from(CLOCK_CHANGES[zone]),
        st.integers(min_value=-180, max_value=180),
    )


def _instants_in(zone):
    """(zone, instant) with the instant anywhere, or near one of the zone's
    clock changes (Asia/Kolkata has none)."""
    options = [anywhere]
    if CLOCK_CHANGES[zone]:
        options.append(_near_a_clock_change(zone))
    return st.tuples(st.just(zone), st.one_of(options).map(lambda m: m.replace(microsecond=0)))


zoned_instants = st.sampled_from(ZONES).flatmap(_instants_in)


def _read_back(calendar, prop):
    """The property's instant, and the same wall-clock time placed by the
    emitted VTIMEZONE (None when written in UTC)."""
    value = prop.dt
    tzid = prop.params.get("TZID")
    if tzid is None:
        return value, None
    (vtimezone,) = [tz for tz in calendar.walk("VTIMEZONE") if str(tz["TZID"]) == tzid]
    by_vtimezone = value.replace(tzinfo=None).replace(tzinfo=vtimezone.to_tz(lookup_tzid=False))
    return value, by_vtimezone


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(zoned_instants, st.integers(min_value=15, max_value=36 * 60))
def test_start_and_end_round_trip_to_the_stored_instants(db, zone_and_start, minutes):
    zone, starts_at = zone_and_start
    community = testing.make_community(visibility="open")
    meeting = make_meeting(
        community,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        time_zone=zone,
    )
    meeting.refresh_from_db()
    calendar = parse(ics.meeting_calendar(meeting, AnonymousUser()))
    (event,) = calendar.walk("VEVENT")
    for name, stored in (("DTSTART", meeting.starts_at), ("DTEND", meeting.ends_at)):
        by_name, by_vtimezone = _read_back(calendar, event[name])
        assert by_name.astimezone(UTC) == stored
        if by_vtimezone is not None:
            assert by_vtimezone.astimezone(UTC) == stored
