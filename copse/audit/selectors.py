"""Reading the audit log, newest first, by keyset pages."""

from django.db.models import Q

from copse.audit.models import AuditEntry
from copse.core import cursors

PAGE_SIZE = 100


def entries(*, community=None, before: str | None = None):
    """A page of entries and the cursor for the next one. `before` is "<iso at>|<id>"."""
    qs = AuditEntry.objects.select_related("actor", "subject", "community")
    if community is not None:
        qs = qs.filter(community=community)
    position = cursors.parse(before, cursors.MOMENT, cursors.INT)
    if position is not None:
        at, pk = position
        qs = qs.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    rows = list(qs.order_by("-at", "-pk")[: PAGE_SIZE + 1])
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = f"{rows[-1].at.isoformat()}|{rows[-1].pk}"
    return rows, next_cursor
