"""A community's library, and one item as its page shows it.

Items are addressed by id alone, as their pages are, so an item shared
beyond a confidential community never names it in its address; its
community, its source and the item it was adapted from are named only to a
caller who may know of them (the library's own selectors decide).
"""

import datetime as dt

from ninja import Router, Schema

from copse.api.schemas import COMMON_ERRORS, CommunityRef
from copse.communities.selectors import community_by_slug_for
from copse.library import selectors
from copse.library.models import LibraryItem

router = Router(tags=["library"])


class ItemAuthorOut(Schema):
    """Credit as it stood when the item was written."""

    name: str
    organisation: str | None


class ItemOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    topic_areas: list[str]
    tags: list[str]
    authors: list[ItemAuthorOut]
    created_at: dt.datetime
    updated_at: dt.datetime
    is_adaptation: bool
    version_count: int
    reuse_count: int
    hours_saved: float
    url: str


class ItemPage(Schema):
    items: list[ItemOut]
    next: str | None


class VersionFileOut(Schema):
    name: str
    size: int
    content_type: str


class ItemVersionOut(Schema):
    number: int
    change_note: str
    created_at: dt.datetime
    text: str
    html: str
    file: VersionFileOut | None


class OriginalItemOut(Schema):
    id: int
    title: str
    authors: list[ItemAuthorOut]
    community: CommunityRef | None
    url: str


class SourceMeetingOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    url: str


class SourceThreadOut(Schema):
    id: int
    title: str
    url: str


class ItemDetailOut(ItemOut):
    community: CommunityRef | None
    reads_community: bool
    link_url: str
    current_version: ItemVersionOut | None
    adapted_from: OriginalItemOut | None
    adapted_credit: str | None
    meeting: SourceMeetingOut | None
    source_thread: SourceThreadOut | None


def _authors(item: LibraryItem) -> list[dict]:
    return [
        {"name": author.name, "organisation": author.organisation_name or None}
        for author in item.authors.all()
    ]


def _item(item: LibraryItem) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "topic_areas": [str(area) for area in item.topic_areas or []],
        "tags": [tag.name for tag in item.tags.all()],
        "authors": _authors(item),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "is_adaptation": item.adapted_from_id is not None,
        "version_count": item.version_count,
        "reuse_count": item.reuse_count,
        "hours_saved": float(item.hours_saved),
        "url": item.get_absolute_url(),
    }


def _community(community, named: bool) -> dict | None:
    return {"slug": community.slug, "name": community.name} if named else None


def _version(version) -> dict | None:
    if version is None:
        return None
    return {
        "number": version.number,
        "change_note": version.change_note,
        "created_at": version.created_at,
        "text": "" if version.file else version.body_markdown,
        "html": "" if version.file else version.body_html,
        "file": (
            {
                "name": version.original_name,
                "size": version.size,
                "content_type": version.content_type,
            }
            if version.file
            else None
        ),
    }


@router.get(
    "communities/{slug}/library",
    response={200: ItemPage, **COMMON_ERRORS},
    summary="A community's library items you may read, the most recently changed first",
)
def list_items(
    request,
    slug: str,
    after: str | None = None,
    kind: LibraryItem.Kind | None = None,
    area: str = "",
    tag: str = "",
):
    viewer = request.auth
    community = community_by_slug_for(viewer, slug, "community.read")
    filters = selectors.Filters.from_query(
        {"kind": kind or "", "area": area, "tag": tag}, community
    )
    page = selectors.items_for(viewer, community, filters=filters, after=after)
    return {"items": [_item(item) for item in page.items], "next": page.next_cursor or None}


@router.get(
    "library/{item_id}",
    response={200: ItemDetailOut, **COMMON_ERRORS},
    summary="A library item with its current version and its credit",
)
def read_item(request, item_id: int):
    viewer = request.auth
    item = selectors.item_for(viewer, item_id)
    page = selectors.item_page(viewer, item)
    lineage = page.lineage
    parent = lineage.parent
    meeting, thread = page.meeting, page.thread
    return {
        **_item(item),
        "community": _community(item.community, page.names_community),
        "reads_community": page.reads_community,
        "link_url": item.link_url,
        "current_version": _version(page.versions[0] if page.versions else None),
        "adapted_from": (
            {
                "id": parent.pk,
                "title": parent.title,
                "authors": _authors(parent),
                "community": _community(parent.community, lineage.parent_names_community),
                "url": parent.get_absolute_url(),
            }
            if parent is not None
            else None
        ),
        # What a reader who may not read the original sees: names and
        # organisations frozen when it was adapted, never a title or a place.
        "adapted_credit": (item.adapted_credit or None) if parent is None else None,
        "meeting": (
            {
                "id": meeting.pk,
                "title": meeting.title,
                "starts_at": meeting.starts_at,
                "url": meeting.get_absolute_url(),
            }
            if meeting is not None
            else None
        ),
        "source_thread": (
            {"id": thread.pk, "title": thread.title, "url": thread.get_absolute_url()}
            if thread is not None
            else None
        ),
    }
