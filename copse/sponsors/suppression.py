"""The rule that keeps a figure from pointing at someone: below five people,
no figure. It is the report's only rule for small numbers, so the page and
the CSV cannot disagree about it (docs/decisions.md, "The sponsor's report")."""

from __future__ import annotations

from django.utils.translation import gettext

MINIMUM_PEOPLE = 5


class FewerThanFive:
    """What stands in for a figure computed over fewer than five people."""

    def __str__(self) -> str:
        return gettext("fewer than %(minimum)d") % {"minimum": MINIMUM_PEOPLE}

    def __repr__(self) -> str:
        return "FEWER_THAN_FIVE"

    def __eq__(self, other) -> bool:
        return isinstance(other, FewerThanFive)

    def __hash__(self) -> int:
        return hash(FewerThanFive)


FEWER_THAN_FIVE = FewerThanFive()


def shown(value, *, people: int):
    """`value` when it was computed over at least five people; otherwise
    FEWER_THAN_FIVE, whatever the value. None (nothing to compute: no
    meeting, no ask) stays None: that nobody did something points at no one."""
    if value is None:
        return None
    if people < MINIMUM_PEOPLE:
        return FEWER_THAN_FIVE
    return value


def is_suppressed(value) -> bool:
    return isinstance(value, FewerThanFive)
