"""Writes to the library: one function per thing a person does.

Every function checks the permission core first and writes in one
transaction. Files are checked by their first bytes against the same table as
meeting materials and stored under a random name; the row and the file stand
or fall together (`files_removed_on_failure`).
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from copse.audit.services import record
from copse.core import cursors, files, permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import render_markdown
from copse.core.storage import files_removed_on_failure
from copse.library import search_index
from copse.library.models import (
    FILE_KINDS,
    WRITTEN_KINDS,
    ItemAuthor,
    ItemVersion,
    LibraryItem,
    PostLibraryLink,
    Reuse,
)


class LibraryError(UserFacingError):
    pass


def _require(actor, action: str, obj, message: str) -> None:
    if not permissions.can(actor, action, obj):
        raise LibraryError(message)


# --- Files ----------------------------------------------------------------------------


def file_type(name: str, head: bytes) -> str:
    """The content type to store and serve, or LibraryError if not allowed."""
    content_type, refusal = files.content_type_or_refusal(
        name, head, type_refused=_("Files of that type cannot be kept in the library.")
    )
    if refusal:
        raise LibraryError(refusal)
    return content_type


def _check_upload(uploaded_file) -> str:
    limit = settings.COPSE_UPLOAD_MAX_BYTES
    if uploaded_file.size > limit:
        raise LibraryError(
            _("That file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": number_format(uploaded_file.size / 1_000_000, 1),
                "limit": number_format(limit / 1_000_000, 0),
            }
        )
    if uploaded_file.size == 0:
        raise LibraryError(_("That file is empty."))
    uploaded_file.seek(0)
    head = uploaded_file.read(512)
    uploaded_file.seek(0)
    return file_type(uploaded_file.name, head)


def _store_file(version: ItemVersion, uploaded_file, content_type: str) -> None:
    original = Path(uploaded_file.name).name[:200]
    version.original_name = original
    version.content_type = content_type
    version.size = uploaded_file.size
    # A random stored name: the original name is only ever a download name.
    version.file.save(
        f"{secrets.token_hex(16)}{Path(original).suffix.lower()}", uploaded_file, save=False
    )
    version.text_status = ItemVersion.TextStatus.PENDING


def _extract_later(version: ItemVersion) -> None:
    if version.text_status != ItemVersion.TextStatus.PENDING:
        return
    from copse.library import tasks

    transaction.on_commit(lambda: tasks.extract_text.enqueue(version.pk))


# --- Items ----------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())[:200]
    if not title:
        raise LibraryError(_("Give the item a title."))
    return title


def _clean_areas(community, areas) -> list[str]:
    allowed = [str(a) for a in (community.topic_areas or [])]
    chosen = []
    for area in areas or []:
        if area not in allowed:
            raise LibraryError(
                _("Choose among this community's topic areas: %(areas)s.")
                % {"areas": ", ".join(allowed)}
            )
        if area not in chosen:
            chosen.append(area)
    return chosen


def _tags(community, tags, tag_names):
    """Tag objects for `community`: given ones, or names typed in a form
    (the site's catalogue entry for a name, else the community's own topic
    tag, made if new, as threads take them)."""
    if tag_names is None:
        return list(tags or ())
    from copse.conversations.services import tags_from_names

    return tags_from_names(tag_names, community=community)


def _credit(item: LibraryItem, people) -> None:
    """Authors with the organisation each belonged to at the time."""
    rows = []
    for position, person in enumerate(dict.fromkeys(people)):
        organisation = getattr(person, "organisation", None)
        rows.append(
            ItemAuthor(
                item=item,
                person=person,
                name=person.display_name or person.email,
                organisation=organisation,
                organisation_name=organisation.name if organisation else "",
                position=position,
            )
        )
    ItemAuthor.objects.bulk_create(rows)


def _new_version(
    *,
    item: LibraryItem,
    actor,
    body: str = "",
    uploaded_file=None,
    content_type: str = "",
    change_note: str = "",
) -> ItemVersion:
    number = (
        LibraryItem.objects.filter(pk=item.pk).values_list("version_count", flat=True).first() or 0
    ) + 1
    version = ItemVersion(
        item=item,
        number=number,
        change_note=" ".join((change_note or "").split())[:300],
        created_by=actor,
    )
    if uploaded_file is not None:
        _store_file(version, uploaded_file, content_type)
    else:
        version.body_markdown = body
        version.body_html = render_markdown(body)
    version.save()
    now = timezone.now()
    LibraryItem.objects.filter(pk=item.pk).update(
        version_count=F("version_count") + 1, updated_at=now
    )
    item.version_count, item.updated_at = number, now
    return version


def _content_of(kind: str, *, body: str, uploaded_file, link_url: str) -> str:
    """Which content a new item or version carries, or LibraryError."""
    if kind == LibraryItem.Kind.LINK:
        if not link_url:
            raise LibraryError(_("Give the address the link points to."))
        return "link"
    if uploaded_file is not None:
        if kind not in FILE_KINDS:
            raise LibraryError(_("A page is written here; upload files as a document instead."))
        return "file"
    if body.strip():
        if kind not in WRITTEN_KINDS:
            raise LibraryError(_("Upload the file for this kind of item."))
        return "body"
    if kind in FILE_KINDS and kind not in WRITTEN_KINDS:
        raise LibraryError(_("Choose the file to upload."))
    if kind in FILE_KINDS:
        raise LibraryError(_("Choose a file to upload, or write the text."))
    raise LibraryError(_("Write the text of the page."))


def create_item(
    *,
    actor,
    community,
    kind: str,
    title: str,
    description: str = "",
    topic_areas=(),
    tags=(),
    body: str = "",
    uploaded_file=None,
    link_url: str = "",
    change_note: str = "",
    authors=None,
    meeting=None,
    source_thread=None,
    adapted_from: LibraryItem | None = None,
    tag_names=None,
    source_attachment=None,
) -> LibraryItem:
    """A new item with its first version. `authors` defaults to the actor;
    anyone credited must hold a seat in the community. Tags are Tag objects
    (`tags`) or typed names (`tag_names`).

    `source_attachment`: the file of a post in this community that the item
    was saved from (see `save_attachment`, which copies the file). Credit then
    goes to the post's author, not to the actor, and whether or not they
    still hold a seat: their post here shows they wrote it. It is frozen as
    always (name and organisation now); an author known only by name (an
    archive import) is credited by that name."""
    _require(
        actor, "library.add", community, _("Only members who take part can add to the library.")
    )
    if kind not in LibraryItem.Kind.values or kind == LibraryItem.Kind.MEETING_RECORD:
        raise LibraryError(_("Choose what kind of item this is."))
    title = _clean_title(title)
    areas = _clean_areas(community, topic_areas)
    content = _content_of(kind, body=body, uploaded_file=uploaded_file, link_url=link_url)
    content_type = _check_upload(uploaded_file) if content == "file" else ""
    post = None
    if source_attachment is not None:
        if authors:
            raise ValueError("An item saved from a post credits the post's author.")
        post = _post_to_credit(actor, source_attachment, community)
        source_thread = source_thread or post.thread
        people = []
    else:
        people = list(authors) if authors else [actor]
    for person in people:
        if not permissions.standing(person, community).is_seated:
            raise LibraryError(
                _("%(name)s is not a member of this community.") % {"name": person.display_name}
            )
    if source_thread is not None and source_thread.community_id != community.pk:
        raise LibraryError(_("That conversation belongs to another community."))
    if meeting is not None and meeting.community_id != community.pk:
        raise LibraryError(_("That meeting belongs to another community."))
    with files_removed_on_failure(), transaction.atomic():
        item = LibraryItem.objects.create(
            community=community,
            kind=kind,
            title=title,
            description=(description or "").strip()[:4000],
            topic_areas=areas,
            link_url=link_url if content == "link" else "",
            meeting=meeting,
            source_thread=source_thread,
            source_attachment=source_attachment,
            adapted_from=adapted_from,
            adapted_credit=adapted_credit_of(adapted_from) if adapted_from else "",
            created_by=actor,
            updated_at=timezone.now(),
        )
        chosen = _tags(community, tags, tag_names)
        if chosen:
            item.tags.set(chosen)
        if post is not None:
            _credit_post_author(item, post)
        else:
            _credit(item, people)
        version = None
        if content != "link":
            version = _new_version(
                item=item,
                actor=actor,
                body=body,
                uploaded_file=uploaded_file if content == "file" else None,
                content_type=content_type,
                change_note=change_note or "First version",
            )
        detail = {"attachment_id": source_attachment.pk} if source_attachment else {}
        record(
            actor=actor,
            action="library.item_added",
            community=community,
            item_id=item.pk,
            **detail,
        )
        search_index.index_items([item.pk])
        if version is not None:
            _extract_later(version)
    return item


# --- Files saved from posts -----------------------------------------------------------

# What a post's file may become: the kinds that hold an uploaded file.
SAVE_KINDS = ("document", "template", "sop", "presentation")


def _post_to_credit(actor, attachment, community):
    """The post `attachment` belongs to, once it is known that the actor may
    save it into `community` and that its author can be credited."""
    post = attachment.post
    if post.community_id != community.pk:
        raise LibraryError(_("That file belongs to a conversation of another community."))
    _require(
        actor,
        "attachment.save_to_library",
        attachment,
        _("Only members who take part, and who can read the post, can save its files."),
    )
    if post.author_id is None and not post.imported_author:
        raise LibraryError(
            _(
                "Whoever wrote this post has deleted their account, so its file cannot be "
                "saved with their credit."
            )
        )
    return post


def _credit_post_author(item: LibraryItem, post) -> None:
    if post.author is not None:
        _credit(item, [post.author])
    else:
        ItemAuthor.objects.create(item=item, person=None, name=post.imported_author[:150])


def post_credit(post) -> str:
    """The credit an item saved from `post` would carry, as its page shows it."""
    if post.author is None:
        return post.imported_author
    organisation = post.author.organisation
    name = post.author.display_name or post.author.email
    return f"{name}, {organisation.name}" if organisation else name


def saved_item_of(attachment) -> LibraryItem | None:
    """The live item saved from `attachment` into its post's community, if any."""
    return (
        LibraryItem.objects.filter(
            source_attachment=attachment,
            community_id=attachment.post.community_id,
            removed_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def save_attachment(
    *,
    actor,
    attachment,
    kind: str,
    title: str,
    description: str = "",
    topic_areas=(),
    tag_names=(),
) -> LibraryItem:
    """ "Save to library": a post's file becomes an item of the post's
    community, credited to the post's author (see `create_item`), from the
    post's thread. The file is copied to a new stored file, so removing the
    post or the item never touches the other. A file already in the library
    is not saved twice: the item it became is returned."""
    _require(
        actor,
        "attachment.save_to_library",
        attachment,
        _("Only members who take part, and who can read the post, can save its files."),
    )
    if kind not in SAVE_KINDS:
        raise LibraryError(_("Choose document, template, SOP or presentation."))
    existing = saved_item_of(attachment)
    if existing is not None:
        return existing
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise LibraryError(_("The file could not be read, so nothing was saved.")) from exc
    try:
        return create_item(
            actor=actor,
            community=attachment.post.community,
            kind=kind,
            title=title,
            description=description,
            topic_areas=topic_areas,
            tag_names=list(tag_names or ()),
            uploaded_file=File(handle, name=attachment.original_name or "file"),
            change_note="Saved from a post",
            source_attachment=attachment,
        )
    except IntegrityError:
        # Someone saved it at the same moment: theirs is the one.
        existing = saved_item_of(attachment)
        if existing is None:
            raise
        return existing
    finally:
        handle.close()


# --- Items linked under posts ---------------------------------------------------------


def check_link(*, actor, community, item_id) -> LibraryItem:
    """The item a new post in `community` is to link, if the actor may link
    it there (`permissions.may_link_item`); the same refusal whether it does
    not exist or they may not read it."""
    item = None
    if cursors.integer(str(item_id), minimum=1) is not None:
        item = LibraryItem.objects.select_related("community").filter(pk=item_id).first()
    if item is None or not permissions.may_link_item(actor, item, community):
        raise LibraryError(
            _("That library item cannot be linked here: choose one of those listed.")
        )
    return item


def keep_link(*, actor, post, item: LibraryItem) -> PostLibraryLink:
    """Inside the post's transaction, once `check_link` allowed it."""
    link, _ = PostLibraryLink.objects.get_or_create(post=post, item=item)
    return link


def add_version(
    *, actor, item: LibraryItem, body: str = "", uploaded_file=None, change_note: str = ""
) -> ItemVersion:
    """Uploading or editing never replaces: it adds a version with a note."""
    _require(
        actor, "library_item.edit", item, _("Only its authors and facilitators can change it.")
    )
    if item.kind == LibraryItem.Kind.LINK:
        raise LibraryError(_("A link has no versions; edit its address instead."))
    content = _content_of(item.kind, body=body, uploaded_file=uploaded_file, link_url="")
    content_type = _check_upload(uploaded_file) if content == "file" else ""
    if not (change_note or "").strip():
        raise LibraryError(_("Say in a few words what changed."))
    with files_removed_on_failure(), transaction.atomic():
        version = _new_version(
            item=item,
            actor=actor,
            body=body,
            uploaded_file=uploaded_file if content == "file" else None,
            content_type=content_type,
            change_note=change_note,
        )
        record(
            actor=actor,
            action="library.version_added",
            community=item.community,
            item_id=item.pk,
            version=version.number,
        )
        # A new file's text arrives with extraction; until then the entry
        # holds the item's details without the old version's text.
        search_index.index_items([item.pk])
        _extract_later(version)
    return version


def add_authors(*, actor, item: LibraryItem, people) -> list[ItemAuthor]:
    """Credit more people on an item, after those already credited (people
    credited already are left as they are). For work already done in the
    community, such as a documentation project's sections: a writer who has
    since left keeps their credit, so no seat is asked of them."""
    _require(
        actor, "library_item.edit", item, _("Only its authors and facilitators can change it.")
    )
    with transaction.atomic():
        credited = set(item.authors.values_list("person_id", flat=True))
        start = (item.authors.aggregate(last=Max("position"))["last"] or 0) + 1
        rows = []
        for person in dict.fromkeys(people):
            if person.pk in credited:
                continue
            organisation = getattr(person, "organisation", None)
            rows.append(
                ItemAuthor(
                    item=item,
                    person=person,
                    name=person.display_name or person.email,
                    organisation=organisation,
                    organisation_name=organisation.name if organisation else "",
                    position=start + len(rows),
                )
            )
        return ItemAuthor.objects.bulk_create(rows)


def update_details(
    *,
    actor,
    item: LibraryItem,
    title: str,
    description: str,
    topic_areas=(),
    tags=(),
    tag_names=None,
    link_url: str | None = None,
) -> LibraryItem:
    _require(
        actor, "library_item.edit", item, _("Only its authors and facilitators can change it.")
    )
    item.title = _clean_title(title)
    item.description = (description or "").strip()[:4000]
    item.topic_areas = _clean_areas(item.community, topic_areas)
    if item.kind == LibraryItem.Kind.LINK:
        if not link_url:
            raise LibraryError(_("Give the address the link points to."))
        item.link_url = link_url
    item.updated_at = timezone.now()
    with transaction.atomic():
        item.save(update_fields=["title", "description", "topic_areas", "link_url", "updated_at"])
        item.tags.set(_tags(item.community, tags, tag_names))
        record(
            actor=actor,
            action="library.details_changed",
            community=item.community,
            item_id=item.pk,
        )
        search_index.index_items([item.pk])
    return item


def remove_item(*, actor, item: LibraryItem) -> None:
    _require(
        actor, "library_item.remove", item, _("Only its authors and facilitators can remove it.")
    )
    with transaction.atomic():
        LibraryItem.objects.filter(pk=item.pk).update(
            removed_at=timezone.now(), sharing=LibraryItem.Sharing.COMMUNITY, public_token=""
        )
        record(
            actor=actor, action="library.item_removed", community=item.community, item_id=item.pk
        )
        search_index.unindex_items([item.pk])
    item.removed_at = timezone.now()


# --- Re-use with credit ----------------------------------------------------------------

# The longest chain of adaptations the credit and the chain on an item follow.
CHAIN_DEPTH = 10


def _names(item: LibraryItem) -> str:
    return " and ".join(str(author) for author in item.authors.all())


def adapted_credit_of(original: LibraryItem) -> str:
    """The attribution an adaptation of `original` carries: its authors with
    their organisations, and whose work they adapted in turn ("Karen Liu,
    Department of Chemistry, who adapted work by Margaret Osei, Office of the
    President"). Names and organisations only: never a title or a community."""
    credit = _names(original) or "an earlier author"
    if original.adapted_credit:
        credit = f"{credit}, who adapted work by {original.adapted_credit}"
    if len(credit) > 500:
        credit = credit[:499] + "…"
    return credit


def adapt_item(
    *,
    actor,
    item: LibraryItem,
    community,
    title: str,
    description: str = "",
    tag_names=(),
) -> LibraryItem:
    """ "Adapt this": a new item in one of the actor's communities, credited to
    the actor, keeping a link to `item` and its authors' credit, with the
    current content copied as its first version (a file is copied to a new
    stored file, so removing either never touches the other)."""
    _require(actor, "library_item.adapt", item, _("You cannot adapt this item."))
    _require(
        actor,
        "library.add",
        community,
        _("Choose one of your communities where you can add to the library."),
    )
    current = (
        None if item.kind == LibraryItem.Kind.LINK else item.versions.order_by("-number").first()
    )
    if item.kind != LibraryItem.Kind.LINK and current is None:
        raise LibraryError(_("This item has nothing to adapt yet."))
    kind = item.kind
    with files_removed_on_failure():
        if current is not None and current.file:
            try:
                handle = current.file.open("rb")
            except FileNotFoundError as exc:
                raise LibraryError(
                    _("The original's file could not be read, so nothing was adapted.")
                ) from exc
            try:
                copy = File(handle, name=current.original_name or "file")
                content_type = current.content_type or file_type(copy.name, handle.read(512))
                handle.seek(0)
                adapted = _create_adaptation(
                    actor=actor,
                    item=item,
                    community=community,
                    kind=kind,
                    title=title,
                    description=description,
                    tag_names=tag_names,
                    uploaded_file=copy,
                    content_type=content_type,
                )
            finally:
                handle.close()
        else:
            adapted = _create_adaptation(
                actor=actor,
                item=item,
                community=community,
                kind=kind,
                title=title,
                description=description,
                tag_names=tag_names,
                body=current.body_markdown if current is not None else "",
            )
    return adapted


def _create_adaptation(
    *,
    actor,
    item,
    community,
    kind,
    title,
    description,
    tag_names,
    body="",
    uploaded_file=None,
    content_type="",
) -> LibraryItem:
    title = _clean_title(title)
    with transaction.atomic():
        adapted = LibraryItem.objects.create(
            community=community,
            kind=kind,
            title=title,
            description=(description or "").strip()[:4000],
            link_url=item.link_url if kind == LibraryItem.Kind.LINK else "",
            adapted_from=item,
            adapted_credit=adapted_credit_of(item),
            created_by=actor,
            updated_at=timezone.now(),
        )
        adapted.tags.set(_tags(community, (), list(tag_names or ())))
        _credit(adapted, [actor])
        version = None
        if kind != LibraryItem.Kind.LINK:
            # The note names no title: the original's may not be readable here.
            version = _new_version(
                item=adapted,
                actor=actor,
                body=body,
                uploaded_file=uploaded_file,
                content_type=content_type,
                change_note="Adapted from an earlier item",
            )
        record(
            actor=actor,
            action="library.item_adapted",
            community=community,
            item_id=adapted.pk,
            adapted_from=item.pk,
        )
        search_index.index_items([adapted.pk])
        if version is not None:
            _extract_later(version)
    return adapted


MAX_HOURS = Decimal("9999.9")


def record_reuse(*, actor, item: LibraryItem, note: str, hours_saved=None) -> Reuse:
    """ "I re-used this": a note and, if the person knows, the hours it saved.
    The item's totals move in the same transaction; its authors are told."""
    _require(
        actor, "library_item.record_reuse", item, _("You cannot record a re-use of this item.")
    )
    note = (note or "").strip()
    if not note:
        raise LibraryError(_("Say in a line or two how you re-used it."))
    if len(note) > 2000:
        raise LibraryError(
            _("That note is %(count)s characters; the limit is %(limit)s.")
            % {
                "count": number_format(len(note), force_grouping=True),
                "limit": number_format(2000, force_grouping=True),
            }
        )
    saved = hours(hours_saved)
    if saved is not None and not (Decimal(0) <= saved <= MAX_HOURS):
        raise LibraryError(_("Hours saved is a number from 0 to 9,999."))
    with transaction.atomic():
        reuse = Reuse.objects.create(item=item, person=actor, note=note, hours_saved=saved)
        LibraryItem.objects.filter(pk=item.pk).update(
            reuse_count=F("reuse_count") + 1, hours_saved=F("hours_saved") + (saved or 0)
        )
        record(
            actor=actor,
            action="library.reuse_recorded",
            community=item.community,
            item_id=item.pk,
        )
        from copse.library import tasks

        reuse_id = reuse.pk
        transaction.on_commit(lambda: tasks.tell_authors_of_reuse.enqueue(reuse_id))
    item.reuse_count += 1
    item.hours_saved += saved or 0
    return reuse


# --- Meeting records ------------------------------------------------------------------


def meeting_record_title(meeting) -> str:
    """The meeting's title with its date where it took place ("Quarterly
    review — 12 March 2026"); a title that names its month already (a
    series' "Monthly meeting, March 2026") is left as it is."""
    day = timezone.localtime(meeting.starts_at, ZoneInfo(meeting.time_zone)).date()
    if f"{day:%B %Y}" in meeting.title:
        return meeting.title[:200]
    return f"{meeting.title} — {day.day} {day:%B %Y}"[:200]


def _meeting_record_details(meeting, agenda) -> dict:
    talks = [item.title for item in agenda if item.title]
    description = "The record of the meeting, with the materials shared at it."
    if talks:
        description = f"{description} On the agenda: {'; '.join(talks)}."
    allowed = [str(a) for a in (meeting.community.topic_areas or [])]
    areas = {item.topic.area for item in agenda if item.topic is not None}
    return {
        "title": meeting_record_title(meeting),
        "description": description[:4000],
        # The community's own areas only, in the community's order.
        "topic_areas": [area for area in allowed if area in areas],
    }


def _meeting_record_authors(meeting, agenda, actor) -> list:
    """The organiser (or whoever published, when nobody is named) and the
    presenters who hold a seat: guest presenters do not read the library, so
    it does not name them as its authors."""
    people = [meeting.organiser or actor]
    people += [item.presenter for item in agenda if item.presenter is not None]
    return [
        person
        for person in dict.fromkeys(p for p in people if p is not None)
        if permissions.standing(person, meeting.community).is_seated
    ]


def file_meeting_record(*, meeting, actor=None, change_note: str = "") -> LibraryItem:
    """File a published summary as the meeting's record in its community's
    library, or bring the record up to date: a changed summary adds a version
    with `change_note`. Called when meetings sends `summary_published`, inside
    the transaction that published (the organiser's permission was checked
    there); running it again changes nothing."""
    from copse.meetings.models import AgendaItem

    if not meeting.summary_is_published:
        raise LibraryError(_("Only a published summary becomes the meeting's record."))
    agenda = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("topic", "presenter__organisation")
        .order_by("position", "id")
    )
    details = _meeting_record_details(meeting, agenda)
    with transaction.atomic():
        item = (
            LibraryItem.objects.select_for_update()
            .filter(meeting=meeting, kind=LibraryItem.Kind.MEETING_RECORD)
            .first()
        )
        if item is None:
            item = LibraryItem.objects.create(
                community=meeting.community,
                kind=LibraryItem.Kind.MEETING_RECORD,
                meeting=meeting,
                created_by=actor,
                updated_at=timezone.now(),
                **details,
            )
            _credit(item, _meeting_record_authors(meeting, agenda, actor))
            _new_version(
                item=item,
                actor=actor,
                body=meeting.summary_markdown,
                change_note="Published with the meeting's summary",
            )
            record(
                actor=actor,
                action="library.item_added",
                community=meeting.community,
                item_id=item.pk,
                meeting_id=meeting.pk,
            )
            search_index.index_items([item.pk])
            return item
        latest = item.versions.order_by("-number").values_list("body_markdown", flat=True).first()
        for name, value in details.items():
            setattr(item, name, value)
        item.save(update_fields=[*details])
        if latest != meeting.summary_markdown:
            _new_version(
                item=item,
                actor=actor,
                body=meeting.summary_markdown,
                change_note=change_note or "The meeting's summary changed",
            )
            record(
                actor=actor,
                action="library.version_added",
                community=meeting.community,
                item_id=item.pk,
                version=item.version_count,
            )
        search_index.index_items([item.pk])
    return item


# --- Sharing --------------------------------------------------------------------------


def share_item(*, actor, item: LibraryItem, sharing: str, confirmed: bool) -> LibraryItem:
    """Share beyond the community. Needs the author's confirmation of who will
    be able to read it (`selectors.readers_after_sharing` says it to them)."""
    if sharing not in LibraryItem.Sharing.values:
        raise LibraryError(_("Choose who may read it."))
    if sharing == LibraryItem.Sharing.COMMUNITY:
        return withdraw_sharing(actor=actor, item=item)
    _require(
        actor,
        "library_item.share",
        item,
        _("Only its authors can share it, and only where the community's facilitators allow it."),
    )
    if not confirmed:
        raise LibraryError(_("Confirm that you want these people to be able to read it."))
    with transaction.atomic():
        item.sharing = sharing
        if sharing == LibraryItem.Sharing.PUBLIC and not item.public_token:
            item.public_token = secrets.token_urlsafe(32)
        if sharing != LibraryItem.Sharing.PUBLIC:
            item.public_token = ""
        item.shared_by, item.shared_at = actor, timezone.now()
        item.save(update_fields=["sharing", "public_token", "shared_by", "shared_at"])
        record(
            actor=actor,
            action="library.item_shared",
            community=item.community,
            item_id=item.pk,
            sharing=sharing,
        )
    return item


def withdraw_sharing(*, actor, item: LibraryItem) -> LibraryItem:
    """Back to the community only; a public link stops working at once."""
    if not (
        permissions.can(actor, "library_item.share", item)
        or permissions.can(actor, "library_item.edit", item)
    ):
        raise LibraryError(_("Only its authors and facilitators can change who reads it."))
    with transaction.atomic():
        item.sharing = LibraryItem.Sharing.COMMUNITY
        item.public_token = ""
        item.save(update_fields=["sharing", "public_token"])
        record(
            actor=actor,
            action="library.sharing_withdrawn",
            community=item.community,
            item_id=item.pk,
        )
    return item


def hours(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite():
            raise LibraryError(_("Hours saved is a number from 0 to 9,999."))
        return number.quantize(Decimal("0.1"))
    except ArithmeticError as exc:
        raise LibraryError(_("Hours saved is a number from 0 to 9,999.")) from exc
