"""Small pure rules the health pages share: the periods one may choose, the
percentiles of waiting times, how a nudge's template is filled in, and how a
span of time is said. No database here."""

from __future__ import annotations

import math
import re
from datetime import timedelta

from django.utils.translation import ngettext

# The periods a facilitator or member may look back over, in days.
PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90
_PERIOD_BY_TEXT = {str(days): days for days in PERIODS}


def period_days(value) -> int:
    """The period asked for in a query string (`?days=`), or the default for
    anything else: a page never fails on what was typed in its address."""
    return _PERIOD_BY_TEXT.get(value if isinstance(value, str) else "", DEFAULT_PERIOD)


def percentile(values, share: float) -> float | None:
    """The `share` (0..1) percentile of `values` by linear interpolation
    between the closest ranks (the "inclusive" method of
    `statistics.quantiles`): the median at 0.5. None when there are none."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# The only placeholders a nudge's template knows. Anything else in braces is
# the facilitator's own text and stays as typed.
PLACEHOLDERS = ("name", "community", "facilitator")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def fill_template(template: str, *, name: str, community: str, facilitator: str) -> str:
    """The template with {name}, {community} and {facilitator} replaced, in
    one pass over the template only: a name that itself holds "{community}"
    is not filled again, and no text typed here reaches Python's formatting
    (so "{member.__class__}" stays exactly that)."""
    values = {"name": name, "community": community, "facilitator": facilitator}
    return _PLACEHOLDER.sub(lambda found: values[found.group(1)], template or "")


def span_text(span: timedelta | None) -> str:
    """A waiting time as people say it: "40 minutes", "5 hours", "3 days"."""
    if span is None:
        return "–"
    minutes = max(0, round(span.total_seconds() / 60))
    if minutes < 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = round(minutes / 60)
    if hours < 48:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = round(hours / 24)
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
