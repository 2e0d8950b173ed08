"""The report's figures before and after the rule for small numbers: what the
queries found (`Activity`), and what a row may show (`community_figures`).
Pure, so the rule is tested on any numbers, not only on the data a test made."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from copse.sponsors.suppression import FEWER_THAN_FIVE, MINIMUM_PEOPLE, shown

# (key, heading): the per-community table's columns after the name and size
# band, in order; the CSV names its measures by the same headings.
MEASURES = [
    ("members", _("Members")),
    ("organisations", _("Organisations")),
    ("meetings_held", _("Meetings held")),
    ("attendance_rate", _("Attendance rate (%)")),
    ("asks", _("Asks")),
    ("answered_share", _("Asks answered (%)")),
    ("helpful_share", _("Asks with a helpful answer (%)")),
    ("median_hours_to_reply", _("Median hours to first reply")),
    ("library_items", _("Library items")),
    ("library_added", _("Library items added")),
    ("reuses", _("Re-uses")),
]


@dataclass
class Activity:
    """What the queries counted for one community, or for several together.
    `members`, `attendees` and `askers` are distinct people: what each
    figure is computed over."""

    members: int = 0
    organisations: int = 0
    meetings_held: int = 0
    places: int = 0  # places taken at meetings whose attendance was taken
    attended: int = 0  # of those places, the ones whose holder came
    attendees: int = 0  # distinct people who held those places
    asks: int = 0
    answered: int = 0  # asks with at least one reply
    helpful: int = 0  # asks with a reply the asker marked helpful
    askers: int = 0
    hours_to_first_reply: list[float] = field(default_factory=list)
    library_items: int = 0
    library_added: int = 0
    reuses: int = 0


def percent(part: int, whole: int) -> int | None:
    if whole <= 0:
        return None
    return round(100 * part / whole)


def median_hours(hours: list[float]) -> float | None:
    if not hours:
        return None
    return round(statistics.median(hours), 1)


def community_figures(activity: Activity) -> dict[str, object]:
    """The figures one row shows, by measure key. A community of fewer than
    five members shows none at all; otherwise counts show, and each rate or
    median shows only when at least five people's doings make it up."""
    if activity.members < MINIMUM_PEOPLE:
        return {key: FEWER_THAN_FIVE for key, _ in MEASURES}
    members = activity.members
    return {
        "members": shown(members, people=members),
        "organisations": shown(activity.organisations, people=members),
        "meetings_held": shown(activity.meetings_held, people=members),
        "attendance_rate": shown(
            percent(activity.attended, activity.places), people=activity.attendees
        ),
        "asks": shown(activity.asks, people=members),
        "answered_share": shown(percent(activity.answered, activity.asks), people=activity.askers),
        "helpful_share": shown(percent(activity.helpful, activity.asks), people=activity.askers),
        "median_hours_to_reply": shown(
            median_hours(activity.hours_to_first_reply), people=activity.askers
        ),
        "library_items": shown(activity.library_items, people=members),
        "library_added": shown(activity.library_added, people=members),
        "reuses": shown(activity.reuses, people=members),
    }
