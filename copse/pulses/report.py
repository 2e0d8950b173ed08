"""Trust pulse trends for the sponsor's report (copse/sponsors): only pulses
that closed with enough answers to show their results, and only as means
per statement, quarter by quarter. Never an open answer, never a community."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, F
from django.utils import timezone

from copse.pulses.models import Pulse, PulseAnswer
from copse.pulses.statements import MINIMUM_RESPONDENTS, STATEMENTS

SCORES = [f"statement_{number}" for number in range(1, len(STATEMENTS) + 1)]


def shown_pulses(community_ids, *, since: dt.date | None = None, today: dt.date | None = None):
    """The pulses of `community_ids` whose results anyone may see: closed,
    not cancelled, and answered by at least their threshold (never below
    five). With `since`, those that closed on or after it."""
    today = today or timezone.localdate()
    pulses = Pulse.objects.filter(
        community_id__in=list(community_ids),
        cancelled_at__isnull=True,
        closes_on__lt=today,
        respondent_count__gte=MINIMUM_RESPONDENTS,
    ).filter(respondent_count__gte=F("min_respondents"))
    if since is not None:
        pulses = pulses.filter(closes_on__gte=since)
    return pulses


def quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(start: dt.date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def trends(community_ids, *, since: dt.date | None = None, today: dt.date | None = None) -> list:
    """One entry per quarter in which a shown pulse opened, oldest first:
    {"quarter" (its label), "starts_on", "pulses", "respondents", "means"}.

    "means" holds, per statement, the mean of each pulse's mean score that
    quarter: every community's pulse counts once, however many answered it.
    One query whatever the number of pulses and answers."""
    per_pulse = (
        PulseAnswer.objects.filter(pulse__in=shown_pulses(community_ids, since=since, today=today))
        .values("pulse_id", "pulse__opens_on")
        .annotate(answers=Count("id"), **{score: Avg(score) for score in SCORES})
        .order_by()
    )
    quarters: dict[dt.date, list[dict]] = {}
    for row in per_pulse:
        quarters.setdefault(quarter_of(row["pulse__opens_on"]), []).append(row)
    result = []
    for start in sorted(quarters):
        rows = quarters[start]
        result.append(
            {
                "quarter": quarter_label(start),
                "starts_on": start,
                "pulses": len(rows),
                "respondents": sum(row["answers"] for row in rows),
                "means": [
                    round(sum(float(row[score]) for row in rows) / len(rows), 2) for score in SCORES
                ],
            }
        )
    return result
