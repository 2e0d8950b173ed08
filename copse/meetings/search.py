"""Meetings and their materials as groups of results on the search page
(`copse.search.sources`), with their full-text indexes (`copse.search.index`).

A meeting's document is its title; its description, agenda (items' titles
and notes) and action items; and its summary once published (a draft is
never indexed). A material's is its file name, cut into words. Both are
found only in communities the viewer reads (`permissions.readable_sql`, the
`meeting.view_whole` and `material.download` rule for the seated), in the
statement that matches. Signals keep the documents in step with every save
and delete of a meeting, agenda item, action item or material.
"""

from __future__ import annotations

import re

from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from copse.core.markdown import plain_text
from copse.meetings.models import ActionItem, AgendaItem, Material, Meeting
from copse.search.index import Index, find_readable, passage
from copse.search.sources import Found, Hit, Source

MEETINGS = Index(
    table="meetings_meeting_search",
    source_table="meetings_meeting",
    columns=("title", "agenda", "record"),
    weights=(4.0, 2.0, 1.0),
)
MATERIALS = Index(
    table="meetings_material_search",
    source_table="meetings_material",
    columns=("name",),
    weights=(1.0,),
)


# --- Documents -------------------------------------------------------------------


def _meeting_documents(meetings) -> dict[int, tuple[str, str, str]]:
    """Two queries, however many meetings."""
    meeting_ids = [m.pk for m in meetings]
    agenda: dict[int, list[str]] = {}
    items = AgendaItem.objects.filter(meeting_id__in=meeting_ids).order_by("position", "pk")
    for meeting_id, title, notes in items.values_list("meeting_id", "title", "notes"):
        agenda.setdefault(meeting_id, []).extend([title, plain_text(notes)])
    actions = ActionItem.objects.filter(meeting_id__in=meeting_ids).order_by("pk")
    for meeting_id, text in actions.values_list("meeting_id", "text"):
        agenda.setdefault(meeting_id, []).append(text)
    return {
        m.pk: (
            m.title,
            "\n".join([plain_text(m.description), *agenda.get(m.pk, [])]),
            plain_text(m.summary_markdown) if m.summary_published_at else "",
        )
        for m in meetings
    }


def file_name_words(name: str) -> str:
    """ "Q3_telecom-renewal.v2.pdf" -> "Q3 telecom renewal v2 pdf": both
    databases' parsers would otherwise keep a file name as one token."""
    return " ".join(re.split(r"[\W_]+", name or "")).strip()


def index_meetings(meeting_ids) -> None:
    meetings = Meeting.objects.filter(pk__in=list(meeting_ids)).only(
        "pk", "title", "description", "summary_markdown", "summary_published_at"
    )
    MEETINGS.put(_meeting_documents(list(meetings)))


def _material_document(material) -> tuple[str]:
    return (file_name_words(material.original_name),)


def index_materials(materials) -> None:
    MATERIALS.put({m.pk: _material_document(m) for m in materials})


def rebuild_all() -> None:
    """Every meeting and material again (after bulk loads, and by the migration)."""
    MEETINGS.clear()
    ids = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        index_meetings(ids[start : start + 500])
    MATERIALS.rebuild(Material.objects.only("pk", "original_name"), _material_document)


def _meeting_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        MEETINGS.put(_meeting_documents([instance]))


def _part_changed(sender, instance, raw=False, **kwargs):
    # index_meetings finds nothing to index once the meeting itself is gone.
    if not raw:
        index_meetings([instance.meeting_id])


def _material_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_materials([instance])


def connect() -> None:
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="meetings-search-meeting")
    for model in (AgendaItem, ActionItem):
        uid = f"meetings-search-{model.__name__}"
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"{uid}-delete")
    post_save.connect(_material_saved, sender=Material, dispatch_uid="meetings-search-material")


# --- Finding ---------------------------------------------------------------------


def find_meetings(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    def load(ids):
        meetings = list(Meeting.objects.filter(pk__in=ids).select_related("community"))
        documents = _meeting_documents(meetings)
        return {m.pk: (m, documents[m.pk]) for m in meetings}

    def to_hit(found, score) -> Hit:
        meeting, (_title, agenda_text, record_text) = found
        return Hit(
            title=meeting.title,
            url=meeting.get_absolute_url(),
            excerpt=passage([record_text, agenda_text], query, markdown=False),
            meta=[meeting.community.name],
            when=meeting.starts_at,
            badge=gettext("Meeting record") if meeting.summary_published_at else gettext("Meeting"),
            score=score,
            obj=meeting,
        )

    return find_readable(
        MEETINGS,
        viewer,
        query,
        joins=(
            "JOIN meetings_meeting m ON m.id = {key} "
            "JOIN communities_community c ON c.id = m.community_id"
        ),
        filters=filters,
        dated="m.starts_at",
        limit=limit,
        offset=offset,
        load=load,
        to_hit=to_hit,
    )


def find_materials(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    def load(ids):
        return Material.objects.select_related("meeting__community").in_bulk(ids)

    def to_hit(material, score) -> Hit:
        meeting = material.meeting
        return Hit(
            title=material.original_name,
            url=reverse(
                "meetings:material",
                kwargs={
                    "slug": meeting.community.slug,
                    "meeting_id": meeting.pk,
                    "material_id": material.pk,
                },
            ),
            excerpt=passage([material.original_name], query, markdown=False),
            meta=[gettext("From %(title)s") % {"title": meeting.title}, meeting.community.name],
            when=material.created_at,
            badge=gettext("File"),
            score=score,
            obj=material,
        )

    return find_readable(
        MATERIALS,
        viewer,
        query,
        joins=(
            "JOIN meetings_material f ON f.id = {key} "
            "JOIN meetings_meeting m ON m.id = f.meeting_id "
            "JOIN communities_community c ON c.id = m.community_id"
        ),
        filters=filters,
        dated="f.created_at",
        limit=limit,
        offset=offset,
        load=load,
        to_hit=to_hit,
    )


MEETINGS_SOURCE = Source(
    key="meetings",
    label=gettext_lazy("Meetings"),
    find=find_meetings,
    order=15,
    filters=frozenset({"community", "since", "until"}),
    preview=5,
)
MATERIALS_SOURCE = Source(
    key="materials",
    label=gettext_lazy("Meeting materials"),
    find=find_materials,
    order=25,
    filters=frozenset({"community", "since", "until"}),
    preview=5,
)
