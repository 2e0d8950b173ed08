"""Reads of the library, always as seen by one viewer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from copse.core import cursors, permissions
from copse.library.models import ItemAuthor, ItemVersion, LibraryItem

PAGE_SIZE = 25


@dataclass
class Page:
    items: list = field(default_factory=list)
    next_cursor: str = ""


def _with_credit(queryset):
    return queryset.select_related("community").prefetch_related(
        Prefetch("authors", queryset=ItemAuthor.objects.order_by("position", "id"))
    )


def _cursor(item: LibraryItem) -> str:
    return f"{item.updated_at.isoformat()}|{item.pk}"


def items_for(viewer, community, *, kind: str = "", after: str | None = None) -> Page:
    """A community's items the viewer may read, most recently changed first,
    one keyset page at a time. Two queries whatever the library's size."""
    queryset = LibraryItem.objects.filter(permissions.readable_items_q(viewer), community=community)
    if kind in LibraryItem.Kind.values:
        queryset = queryset.filter(kind=kind)
    position = cursors.parse(after, cursors.MOMENT, cursors.INT)
    if position is not None:
        moment, item_id = position
        queryset = queryset.filter(Q(updated_at__lt=moment) | Q(updated_at=moment, pk__lt=item_id))
    rows = list(_with_credit(queryset.order_by("-updated_at", "-id"))[: PAGE_SIZE + 1])
    page = Page(items=rows[:PAGE_SIZE])
    if len(rows) > PAGE_SIZE:
        page.next_cursor = _cursor(page.items[-1])
    return page


def item_for(viewer, item_id: int) -> LibraryItem:
    """The item, or 404 when the viewer may not read it (or it does not exist)."""
    item = _with_credit(LibraryItem.objects.filter(pk=item_id)).first()
    if item is None:
        permissions.require_or_404(viewer, "library_item.read", None)
    permissions.require_or_404(viewer, "library_item.read", item)
    return item


def versions_of(item: LibraryItem) -> list[ItemVersion]:
    return list(
        item.versions.select_related("created_by").defer("extracted_text").order_by("-number")
    )


def version_of(item: LibraryItem, number: int) -> ItemVersion | None:
    return item.versions.filter(number=number).first()


@dataclass
class MeetingRecord:
    """What a meeting-record item shows of its meeting: the meeting and the
    materials shared at it that the viewer may download."""

    meeting: object
    materials: list = field(default_factory=list)


def meeting_record_of(viewer, item: LibraryItem) -> MeetingRecord | None:
    """The meeting behind a meeting record as the viewer may see it, or None.
    Two queries whatever the number of materials; none for other kinds."""
    if item.kind != LibraryItem.Kind.MEETING_RECORD or item.meeting_id is None:
        return None
    from copse.meetings.models import Material, Meeting

    meeting = (
        Meeting.objects.select_related("community")
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=Material.objects.select_related("agenda_item", "uploaded_by").order_by(
                    "created_at", "id"
                ),
            )
        )
        .filter(pk=item.meeting_id)
        .first()
    )
    if meeting is None or not permissions.can(viewer, "meeting.view_whole", meeting):
        return None
    materials = []
    for material in meeting.materials.all():
        material.meeting = meeting
        if permissions.can(viewer, "material.download", material):
            materials.append(material)
    return MeetingRecord(meeting=meeting, materials=materials)
