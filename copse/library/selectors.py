"""Reads of the library, always as seen by one viewer.

Every page runs a fixed number of queries whatever the library holds: lists
are keyset pages, and an item's page gathers its versions, re-uses,
adaptations and the chain it was adapted through in a few set queries, then
asks the permission core about each row in Python (standings are cached).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext

from copse.core import cursors, permissions
from copse.library.models import ItemAuthor, ItemVersion, LibraryItem, PostLibraryLink, Reuse
from copse.library.services import CHAIN_DEPTH

PAGE_SIZE = 25
# Adaptations and re-uses an item's page names; the rest are counted.
ADAPTATIONS_SHOWN = 20
REUSES_SHOWN = 20


@dataclass
class Page:
    items: list = field(default_factory=list)
    next_cursor: str = ""


@dataclass
class Filters:
    """What a library list is narrowed to; anything unknown is ignored."""

    kind: str = ""
    area: str = ""
    tag: str = ""

    @classmethod
    def from_query(cls, query, community) -> Filters:
        kind = query.get("kind", "")
        area = query.get("area", "")
        tag = query.get("tag", "")
        return cls(
            kind=kind if kind in LibraryItem.Kind.values else "",
            area=area if area in (community.topic_areas or []) else "",
            tag=tag if cursors.text(tag, max_length=70) else "",
        )

    @property
    def any(self) -> bool:
        return bool(self.kind or self.area or self.tag)

    def as_query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in vars(self).items() if v})


def _with_credit(queryset):
    return queryset.select_related("community").prefetch_related(
        Prefetch("authors", queryset=ItemAuthor.objects.order_by("position", "id"))
    )


def _cursor(item: LibraryItem) -> str:
    return f"{item.updated_at.isoformat()}|{item.pk}"


def _in_area(area: str) -> Q:
    """Items filed under topic area `area` (a JSON list on the row). PostgreSQL
    asks its JSON containment; SQLite keeps the list as text, with non-ASCII
    escaped as Django's encoder wrote it, so the quoted name is looked for."""
    if connection.vendor == "postgresql":
        return Q(topic_areas__contains=[area])
    return Q(topic_areas__icontains=json.dumps(area))


def items_for(
    viewer, community, *, kind: str = "", after: str | None = None, filters: Filters | None = None
) -> Page:
    """A community's items the viewer may read, most recently changed first,
    one keyset page at a time. Three queries whatever the library's size."""
    filters = filters or Filters(kind=kind if kind in LibraryItem.Kind.values else "")
    queryset = LibraryItem.objects.filter(permissions.readable_items_q(viewer), community=community)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.area:
        queryset = queryset.filter(_in_area(filters.area))
    if filters.tag:
        queryset = queryset.filter(
            pk__in=LibraryItem.tags.through.objects.filter(tag__slug=filters.tag).values(
                "libraryitem_id"
            )
        )
    position = cursors.parse(after, cursors.MOMENT, cursors.INT)
    if position is not None:
        moment, item_id = position
        queryset = queryset.filter(Q(updated_at__lt=moment) | Q(updated_at=moment, pk__lt=item_id))
    rows = list(
        _with_credit(queryset.order_by("-updated_at", "-id")).prefetch_related("tags")[
            : PAGE_SIZE + 1
        ]
    )
    page = Page(items=rows[:PAGE_SIZE])
    if len(rows) > PAGE_SIZE:
        page.next_cursor = _cursor(page.items[-1])
    return page


def tags_in_library(viewer, community) -> list:
    """The tags on the community's items the viewer may read, for the filter."""
    from copse.conversations.models import Tag

    readable = LibraryItem.objects.filter(
        permissions.readable_items_q(viewer), community=community
    ).values("pk")
    return list(
        Tag.objects.filter(library_items__in=readable)
        .values_list("slug", "name")
        .distinct()
        .order_by("name")
    )


def item_for(viewer, item_id: int) -> LibraryItem:
    """The item, or 404 when the viewer may not read it (or it does not exist,
    or the address holds a number no database column does)."""
    if cursors.integer(str(item_id), minimum=1) is None:
        permissions.require_or_404(viewer, "library_item.read", None)
    item = (
        _with_credit(LibraryItem.objects.filter(pk=item_id))
        .select_related("meeting__community", "source_thread__community")
        .prefetch_related("tags")
        .first()
    )
    if item is None:
        permissions.require_or_404(viewer, "library_item.read", None)
    permissions.require_or_404(viewer, "library_item.read", item)
    return item


def item_to_change(viewer, item_id: int, action: str) -> LibraryItem:
    """The item if the viewer may read it and do `action` to it; else 404."""
    item = item_for(viewer, item_id)
    permissions.require_or_404(viewer, action, item)
    return item


def shared_item(token: str) -> LibraryItem:
    """The item behind a public link, or 404 when the link is not (or no
    longer) the item's: withdrawn, re-drawn, removed, or its community
    stopped allowing sharing."""
    from django.http import Http404

    item = _with_credit(
        LibraryItem.objects.filter(public_token=token).exclude(public_token="")
    ).first()
    if item is None or not permissions.may_read_item_by_link(item, token):
        raise Http404
    return item


def versions_of(item: LibraryItem) -> list[ItemVersion]:
    return list(
        item.versions.select_related("created_by").defer("extracted_text").order_by("-number")
    )


def version_of(item: LibraryItem, number) -> ItemVersion | None:
    number = cursors.integer(str(number), minimum=1, maximum=2**31 - 1)
    if number is None:
        return None
    return item.versions.filter(number=number).first()


# --- One version, and what changed ----------------------------------------------------


@dataclass
class VersionView:
    version: ItemVersion
    previous: ItemVersion | None
    # Lines of the previous version's text against this one's (norms' diff);
    # empty when either has no text.
    lines: list = field(default_factory=list)
    newer_number: int | None = None

    @property
    def compared(self) -> bool:
        return bool(self.lines)


def version_view(item: LibraryItem, number: int) -> VersionView | None:
    """Version `number` with the one before it, and their text compared line
    by line when both are written in Copse. Two queries."""
    from copse.norms.selectors import diff_lines

    if cursors.integer(str(number), minimum=1, maximum=2**31 - 1) is None:
        return None
    rows = list(
        item.versions.filter(number__in=[number - 1, number, number + 1])
        .select_related("created_by")
        .defer("extracted_text")
    )
    by_number = {v.number: v for v in rows}
    version = by_number.get(number)
    if version is None:
        return None
    previous = by_number.get(number - 1)
    view = VersionView(
        version=version,
        previous=previous,
        newer_number=number + 1 if number + 1 in by_number else None,
    )
    if previous is not None and not version.file and not previous.file:
        view.lines = diff_lines(previous.body_markdown, version.body_markdown)
    return view


# --- Re-use with credit --------------------------------------------------------------


@dataclass
class Step:
    """One item in a chain of adaptations, as the viewer may see it."""

    item: LibraryItem | None  # None: the viewer may not read it
    names_community: bool = False
    is_original: bool = False  # the first item of the chain (not an adaptation)


@dataclass
class Lineage:
    """Where an item came from (the chain of items it was adapted through,
    oldest first) and where it went (its adaptations)."""

    # The item it was adapted from, if the viewer may read it.
    parent: LibraryItem | None = None
    parent_names_community: bool = False
    chain: list[Step] = field(default_factory=list)
    chain_cut: bool = False  # more steps lie beyond CHAIN_DEPTH
    adaptations: list = field(default_factory=list)  # [(item, names_community)]
    adaptations_total: int = 0
    adaptation_communities: int = 0

    @property
    def adaptations_unseen(self) -> int:
        return self.adaptations_total - len(self.adaptations)


_ANCESTORS_SQL = """
WITH RECURSIVE chain (id, parent_id, depth) AS (
    SELECT id, adapted_from_id, 0 FROM library_libraryitem WHERE id = %s
    UNION ALL
    SELECT i.id, i.adapted_from_id, c.depth + 1
    FROM library_libraryitem i JOIN chain c ON i.id = c.parent_id
    WHERE c.depth < %s
)
SELECT id, parent_id, depth FROM chain WHERE depth > 0 ORDER BY depth
"""


def ancestors_of(item: LibraryItem) -> tuple[list[LibraryItem], bool]:
    """The items `item` was adapted through, nearest first, at most
    CHAIN_DEPTH of them, and whether the chain goes on beyond. Three
    queries whatever the length: the chain's ids (a recursive query, the same
    on SQLite and PostgreSQL), the items with their communities, their
    authors."""
    if item.adapted_from_id is None:
        return [], False
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTORS_SQL, [item.pk, CHAIN_DEPTH])
        rows = cursor.fetchall()
    ids = [row[0] for row in rows]
    cut = bool(rows) and rows[-1][1] is not None and rows[-1][2] >= CHAIN_DEPTH
    loaded = {i.pk: i for i in _with_credit(LibraryItem.objects.filter(pk__in=ids))}
    return [loaded[pk] for pk in ids if pk in loaded], cut


def lineage_for(viewer, item: LibraryItem) -> Lineage:
    """The chain and the adaptations of `item` as `viewer` may see them: an
    item they may not read is never named (no title, community or person);
    it appears as a step "you cannot see", or is only counted."""
    lineage = Lineage()
    ancestors, lineage.chain_cut = ancestors_of(item)
    for position, ancestor in enumerate(ancestors):
        readable = permissions.can(viewer, "library_item.read", ancestor)
        names = readable and permissions.can(viewer, "community.view", ancestor.community)
        if position == 0 and readable:
            lineage.parent, lineage.parent_names_community = ancestor, names
        is_original = ancestor.adapted_from_id is None
        lineage.chain.append(
            Step(
                item=ancestor if readable else None, names_community=names, is_original=is_original
            )
        )
    lineage.chain.reverse()

    live = LibraryItem.objects.filter(adapted_from=item, removed_at__isnull=True)
    totals = live.aggregate(total=Count("id"), communities=Count("community", distinct=True))
    lineage.adaptations_total = totals["total"]
    lineage.adaptation_communities = totals["communities"]
    if lineage.adaptations_total:
        shown = _with_credit(
            live.filter(permissions.readable_items_q(viewer)).order_by("created_at", "id")
        )[:ADAPTATIONS_SHOWN]
        lineage.adaptations = [
            (a, permissions.can(viewer, "community.view", a.community)) for a in shown
        ]
    return lineage


@dataclass
class ReuseRow:
    reuse: Reuse
    # The person, if the viewer may see them ("person.view"); else None.
    person: object | None


def reuses_for(viewer, item: LibraryItem) -> list[ReuseRow]:
    """The item's latest re-uses; people named only to viewers who may see
    them. Two queries."""
    rows = list(
        item.reuses.select_related("person__organisation").order_by("-created_at", "-id")[
            :REUSES_SHOWN
        ]
    )
    visible = permissions.viewable_people_ids(viewer, [r.person_id for r in rows])
    return [ReuseRow(r, r.person if r.person_id in visible else None) for r in rows]


def adapt_destinations(viewer) -> list:
    """The viewer's communities where they may add to the library."""
    from copse.communities.models import Community

    ids = permissions.seated_community_ids(viewer)
    return [
        c
        for c in Community.objects.filter(pk__in=ids).order_by("name")
        if permissions.can(viewer, "library.add", c)
    ]


# --- Sharing --------------------------------------------------------------------------


@dataclass
class Readers:
    """Who will be able to read an item once shared, said plainly."""

    sharing: str
    everyone: int = 0  # people with an account on the site
    outside: int = 0  # of them, not seated in the item's community
    open_community: bool = False


def readers_after_sharing(item: LibraryItem, sharing: str) -> Readers:
    """The numbers the author confirms before sharing. Two queries."""
    from copse.accounts.models import User
    from copse.memberships.models import Membership

    everyone = User.objects.filter(is_active=True).count()
    seated = Membership.objects.filter(
        community=item.community,
        status__in=permissions.SEATED_STATUSES,
        role__in=permissions.READING_ROLES,
        user__is_active=True,
    ).count()
    return Readers(
        sharing=sharing,
        everyone=everyone,
        outside=max(0, everyone - seated),
        open_community=item.community.visibility == "open",
    )


@dataclass
class ItemPage:
    item: LibraryItem
    versions: list
    lineage: Lineage
    reuses: list
    names_community: bool
    reads_community: bool
    meeting: object | None
    thread: object | None
    may: dict


def item_page(viewer, item: LibraryItem) -> ItemPage:
    """Everything an item's page shows, as `viewer` may see it."""
    meeting = item.meeting
    if meeting is not None and not permissions.can(viewer, "meeting.view", meeting):
        meeting = None
    thread = item.source_thread
    if thread is not None and not permissions.can(viewer, "thread.read", thread):
        thread = None
    may = {
        action: permissions.can(viewer, f"library_item.{action}", item)
        for action in ("edit", "share", "remove", "adapt", "record_reuse")
    }
    may["withdraw"] = item.sharing != LibraryItem.Sharing.COMMUNITY and (
        may["share"] or may["edit"]
    )
    # "Mention in a conversation": a new thread in the item's community, with the item linked.
    may["mention"] = item.removed_at is None and permissions.can(
        viewer, "community.contribute", item.community
    )
    # Authors hear why they cannot share it (the facilitators have not allowed it).
    may["ask_to_share"] = (
        not may["share"]
        and item.removed_at is None
        and item.kind != LibraryItem.Kind.MEETING_RECORD
        and not permissions.library_sharing_allowed(item.community)
        and viewer.is_authenticated
        and any(a.person_id == viewer.pk for a in item.authors.all())
    )
    return ItemPage(
        item=item,
        versions=versions_of(item),
        lineage=lineage_for(viewer, item),
        reuses=reuses_for(viewer, item),
        names_community=permissions.can(viewer, "community.view", item.community),
        reads_community=permissions.can(viewer, "community.read", item.community),
        meeting=meeting,
        thread=thread,
        may=may,
    )


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


# --- Posts and the library ------------------------------------------------------------

# How many items the "Link a library item" choice lists: the latest changed.
LINK_CHOICES = 100


def link_choices(viewer, community, *, also: int | None = None) -> list:
    """What the viewer may link under a post in `community`, for a form's
    choice: the community's own items, then items shared with the whole site
    (whose community is never named), the latest changed first, with item
    `also` if they may link it (an item page's "Mention in a conversation").
    One query, and one for `also` when it is not among them."""
    rows = list(
        LibraryItem.objects.filter(permissions.linkable_items_q(viewer, community))
        .order_by("-updated_at", "-id")
        .values_list("pk", "title", "kind", "community_id")[:LINK_CHOICES]
    )
    if also is not None and all(row[0] != also for row in rows):
        extra = LibraryItem.objects.select_related("community").filter(pk=also).first()
        if extra is not None and permissions.may_link_item(viewer, extra, community):
            rows.insert(0, (extra.pk, extra.title, extra.kind, extra.community_id))
    own = [row for row in rows if row[3] == community.pk]
    shared = [row for row in rows if row[3] != community.pk]
    groups = []
    labels = (
        (gettext("In %(name)s") % {"name": community.name}, own),
        (gettext("Shared with the whole site"), shared),
    )
    for label, group in labels:
        if group:
            groups.append(
                (label, [(pk, f"{title} — {_kind_label(kind)}") for pk, title, kind, _ in group])
            )
    return groups


def _kind_label(kind: str) -> str:
    return dict(LibraryItem.Kind.choices).get(kind, kind)


@dataclass
class PostsLibrary:
    """What the library shows on a page of posts, as one viewer may see it:
    the items linked under each post, and the item each file was saved as."""

    links: dict = field(default_factory=dict)  # post id -> [LibraryItem]
    saved: dict = field(default_factory=dict)  # attachment id -> LibraryItem

    def links_of(self, post) -> list:
        return self.links.get(post.pk, [])

    def saved_from(self, attachment):
        return self.saved.get(attachment.pk)

    def fingerprint(self) -> tuple:
        """Everything of the items this shows, for a cache key: which items,
        where, and what of each the page prints."""
        return (
            tuple(
                (post_id, item.pk, item.title, item.kind)
                for post_id, items in sorted(self.links.items())
                for item in items
            ),
            tuple((file_id, item.pk, item.title) for file_id, item in sorted(self.saved.items())),
        )


def library_for_posts(viewer, posts) -> PostsLibrary:
    """The library items a page of posts shows to `viewer`: only those they
    may read (a link to any other item shows nothing at all). Two queries
    whatever the page holds, none when it has no posts or no files; the
    posts' files must be prefetched."""
    shown = [post for post in posts if post.removed_at is None]
    files = {a.pk: post.community_id for post in shown for a in post.attachments.all()}
    return library_for_page(viewer, [post.pk for post in shown], files)


def library_for_page(viewer, post_ids, files: dict) -> PostsLibrary:
    """As `library_for_posts`, from what a page of posts holds: the ids of its
    shown (not removed) posts, and its files as {attachment id: community id
    of its post}. The thread page asks this on every view, its posts being
    rendered from a cache (conversations.links)."""
    library = PostsLibrary()
    if not post_ids:
        return library
    readable = permissions.readable_items_q(viewer, "item")
    for link in (
        PostLibraryLink.objects.filter(readable, post_id__in=list(post_ids))
        .select_related("item")
        .order_by("id")
    ):
        library.links.setdefault(link.post_id, []).append(link.item)
    if files:
        for item in LibraryItem.objects.filter(
            permissions.readable_items_q(viewer), source_attachment_id__in=list(files)
        ).order_by("id"):
            if item.community_id == files[item.source_attachment_id]:
                library.saved[item.source_attachment_id] = item
    return library


def attachment_to_save(viewer, slug: str, attachment_id: int):
    """A post's file in community `slug` that the viewer may save to the
    library, or 404 (the same for a missing file and a forbidden one)."""
    from copse.conversations.models import PostAttachment

    attachment = None
    if cursors.integer(str(attachment_id), minimum=1) is not None:
        attachment = (
            PostAttachment.objects.select_related(
                "post__thread__community", "post__community", "post__author__organisation"
            )
            .filter(pk=attachment_id, post__community__slug=slug)
            .first()
        )
    permissions.require_or_404(viewer, "attachment.save_to_library", attachment)
    return attachment


@dataclass
class MailedLinks:
    """The items linked under a post, as its mail shows them."""

    named: list = field(default_factory=list)  # items named, with their title and kind
    unnamed: int = 0  # items only said to be there, with a link to the post

    def __bool__(self) -> bool:
        return bool(self.named or self.unnamed)


def mailed_links(post) -> MailedLinks:
    """The items linked under `post` as its every-message mail may show them
    to all its receivers (the community's seated members): an item of the
    post's own community is named, since all of them read its library; an
    item shared from another community is only said to be there, since its
    sharing may be withdrawn at any time and mail cannot be taken back. One
    query."""
    mailed = MailedLinks()
    for link in (
        PostLibraryLink.objects.filter(post=post, item__removed_at__isnull=True)
        .select_related("item")
        .order_by("id")
    ):
        if link.item.community_id == post.community_id:
            mailed.named.append(link.item)
        else:
            mailed.unnamed += 1
    return mailed
