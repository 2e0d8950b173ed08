"""Writes of Home: only the marker of the person's visits."""

import datetime as dt

from django.utils import timezone

from copse.core.storage import write_if_possible
from copse.home.models import HomeVisit

# Opening Home again after this long away is a new visit; until then, a
# reload or a return from another page keeps what was new as new.
NEW_VISIT_AFTER = dt.timedelta(hours=1)
# How often the "last seen on Home" time is written at most: a page that is
# only read should not write on every request.
WRITE_AT_MOST_EVERY = dt.timedelta(minutes=5)
# A first visit counts what is new from this far back.
FIRST_VISIT_LOOKS_BACK = dt.timedelta(days=14)


_READ_IT = object()


def record_visit(*, actor, visit=_READ_IT) -> dt.datetime:
    """The moment Home counts "new" from for `actor`, moving their marker
    forward. Done while Home is read: a full or read-only database only
    loses the marker, never the page. `visit` is their `HomeVisit` (None when
    they have none) when the caller already read it."""
    now = timezone.now()
    if visit is _READ_IT:
        visit = HomeVisit.objects.filter(user=actor).first()
    what = f"home visit user={actor.pk}"
    if visit is None:
        write_if_possible(
            what,
            lambda: HomeVisit.objects.get_or_create(user=actor, defaults={"last_visit_at": now}),
        )
        return now - FIRST_VISIT_LOOKS_BACK
    away = now - visit.last_visit_at
    previous = visit.previous_visit_at
    if away > NEW_VISIT_AFTER:
        previous = visit.last_visit_at
    if away > WRITE_AT_MOST_EVERY:
        write_if_possible(
            what,
            lambda: HomeVisit.objects.filter(user=actor).update(
                previous_visit_at=previous, last_visit_at=now
            ),
        )
    return previous if previous is not None else visit.last_visit_at - FIRST_VISIT_LOOKS_BACK
