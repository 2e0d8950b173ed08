"""Reading the audit log, newest first, by keyset pages."""

from django.db.models import Q

from copse.audit.models import AuditEntry

PAGE_SIZE = 100


def entries(*, community=None, before: str | None = None):
    """A page of entries and the cursor for the next one. `before` is "<iso at>|<id>"."""
    qs = AuditEntry.objects.select_related("actor", "subject", "community")
    if community is not None:
        qs = qs.filter(community=community)
    if before:
        at, _, pk = before.rpartition("|")
        if pk.isdigit() and at:
            qs = qs.filter(Q(at__lt=at) | Q(at=at, pk__lt=int(pk)))
    rows = list(qs.order_by("-at", "-pk")[: PAGE_SIZE + 1])
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = f"{rows[-1].at.isoformat()}|{rows[-1].pk}"
    return rows, next_cursor
