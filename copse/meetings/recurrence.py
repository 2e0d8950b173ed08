"""Meeting cadences as RFC 5545 recurrence rules, expanded in local time.

A series says "the second Thursday of every month at 13:00 in
America/Los_Angeles". Rules are expanded on *local* (naive) date-times and each
occurrence is then placed in the series' time zone, so a meeting stays at 13:00
local time on both sides of a daylight-saving change: its UTC time moves
instead. Calendar clients do the same with an RRULE and a VTIMEZONE.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CADENCES = {
    # name: (label, months between meetings)
    "monthly": (_("Every month"), 1),
    "bimonthly": (_("Every other month"), 2),
    "quarterly": (_("Every quarter"), 3),
}
WEEKDAYS = {
    "MO": _("Monday"),
    "TU": _("Tuesday"),
    "WE": _("Wednesday"),
    "TH": _("Thursday"),
    "FR": _("Friday"),
    "SA": _("Saturday"),
    "SU": _("Sunday"),
}
ORDINALS = {
    1: _("first"),
    2: _("second"),
    3: _("third"),
    4: _("fourth"),
    -1: _("last"),
}


def build_rrule(*, cadence: str, nth: int, weekday: str) -> str:
    """The RRULE for "the nth weekday, every k months"."""
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}")
    if nth not in ORDINALS:
        raise ValueError(f"nth must be one of {sorted(ORDINALS)}")
    if weekday not in WEEKDAYS:
        raise ValueError(f"unknown weekday {weekday!r}")
    interval = CADENCES[cadence][1]
    return f"FREQ=MONTHLY;INTERVAL={interval};BYDAY={nth:+d}{weekday}"


def parse_rrule(rrule: str) -> dict:
    """The cadence, nth and weekday of a rule made by `build_rrule`, or {}."""
    parts = dict(part.split("=", 1) for part in rrule.split(";") if "=" in part)
    interval = int(parts.get("INTERVAL", "1"))
    byday = parts.get("BYDAY", "")
    cadence = next((name for name, (_, k) in CADENCES.items() if k == interval), None)
    if parts.get("FREQ") != "MONTHLY" or cadence is None or len(byday) < 3:
        return {}
    try:
        nth = int(byday[:-2])
    except ValueError:
        return {}
    return {"cadence": cadence, "nth": nth, "weekday": byday[-2:]}


def describe_rrule(rrule: str) -> str:
    """ "Second Thursday, every other month" for people."""
    parsed = parse_rrule(rrule)
    if not parsed:
        return rrule
    label = str(CADENCES[parsed["cadence"]][0]).lower()
    ordinal = str(ORDINALS.get(parsed["nth"], parsed["nth"]))
    # Translators: "Second Thursday, every other month".
    return gettext("%(ordinal)s %(weekday)s, %(cadence)s") % {
        "ordinal": capfirst(ordinal),
        "weekday": WEEKDAYS[parsed["weekday"]],
        "cadence": label,
    }


def local_starts(series):
    dtstart = dt.datetime.combine(series.first_date, series.start_time)
    return rrulestr(series.rrule, dtstart=dtstart)


def occurrences(series, *, after: dt.datetime, before: dt.datetime) -> list[dt.datetime]:
    """Aware start times of the series' occurrences with after <= start < before."""
    zone = ZoneInfo(series.time_zone)
    rule = local_starts(series)
    # Compare in local wall time, padded a day each side, then filter exactly.
    lo = after.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
    hi = before.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    starts = []
    for local in rule.between(lo, hi, inc=True):
        aware = local.replace(tzinfo=zone)
        if after <= aware < before:
            starts.append(aware)
    return starts
