"""Reading the audit log, newest first, by keyset pages."""

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copse.audit import sentences
from copse.audit.models import AuditEntry
from copse.core import cursors, permissions

PAGE_SIZE = 100
# Detail keys that hold what a person wrote in their own words (a removal's or
# a cancellation's reason): shown only where `community.read_reasons` allows.
FREE_TEXT_KEYS = ("reason",)
WITHHELD = _("(shown to the community's facilitators and the person concerned only)")


def entries(viewer, *, community=None, before: str | None = None):
    """A page of entries and the cursor for the next one. `before` is "<iso at>|<id>".

    Each entry's `shown_detail` is its detail as `viewer` may read it: the
    free-text reasons of a `members` or `confidential` community are withheld
    from everyone but its facilitators and the person the entry is about (so a
    site admin reading the log sees that a reason was given, not what it says).
    Each entry's `sentence` says what happened in words, naming only what
    `viewer` may read (`audit.sentences`).
    """
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
    for row in rows:
        row.shown_detail = shown_detail(viewer, row)
    sentences.describe(viewer, rows)
    return rows, next_cursor


def shown_detail(viewer, entry: AuditEntry) -> dict:
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    if entry.community is None or not any(detail.get(key) for key in FREE_TEXT_KEYS):
        return detail
    if entry.subject_id is not None and entry.subject_id == getattr(viewer, "pk", None):
        return detail
    if permissions.can(viewer, "community.read_reasons", entry.community):
        return detail
    withheld = str(WITHHELD)
    return {
        key: withheld if key in FREE_TEXT_KEYS and value else value for key, value in detail.items()
    }


def reason_readers(community) -> str:
    """Who reads a reason written in `community`'s audit log, for help texts;
    the same rule as `community.read_reasons`."""
    if community.visibility == "open":
        return gettext("this community's facilitators and the site admins")
    return gettext("this community's facilitators only (site admins do not see it)")
