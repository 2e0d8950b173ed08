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

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from copse.core import permissions
from copse.core.markdown import plain_text
from copse.meetings.models import ActionItem, AgendaItem, Material, Meeting
from copse.search.index import Index, passage, ranked
from copse.search.sources import COUNT_CAP, Found, Hit, Source

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


def index_materials(materials) -> None:
    MATERIALS.put({m.pk: (file_name_words(m.original_name),) for m in materials})


def rebuild_all() -> None:
    """Every meeting and material again (after bulk loads, and by the migration)."""
    MEETINGS.clear()
    MATERIALS.clear()
    ids = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        index_meetings(ids[start : start + 500])
    materials = Material.objects.only("pk", "original_name").order_by("pk")
    for start in range(0, materials.count(), 2000):
        index_materials(materials[start : start + 2000])


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


def _dates_sql(column: str, filters) -> tuple[list[str], list]:
    where, params = [], []
    if filters.community:
        where.append("c.slug = %s")
        params.append(filters.community)
    if filters.since:
        where.append(f"{column} >= %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.since))
    if filters.until:
        where.append(f"{column} < %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.until))
    return where, params


def find_meetings(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    readable, params = permissions.readable_sql(viewer, "c")
    extra, extra_params = _dates_sql("m.starts_at", filters)
    rows, count = ranked(
        MEETINGS,
        query,
        joins=(
            "JOIN meetings_meeting m ON m.id = {key} "
            "JOIN communities_community c ON c.id = m.community_id"
        ),
        where=" AND ".join([readable, *extra]),
        params=params + extra_params,
        limit=limit + 1,
        offset=offset,
    )
    shown = rows[:limit]
    meetings = list(
        Meeting.objects.filter(pk__in=[row[0] for row in shown]).select_related("community")
    )
    documents = {m.pk: m for m in meetings}
    agenda = _meeting_documents(meetings) if meetings else {}
    hits = []
    for meeting_id, score in shown:
        meeting = documents.get(meeting_id)
        if meeting is None:
            continue
        _title, agenda_text, record_text = agenda.get(meeting_id, ("", "", ""))
        hits.append(
            Hit(
                title=meeting.title,
                url=meeting.get_absolute_url(),
                excerpt=passage([record_text, agenda_text], query, markdown=False),
                meta=[meeting.community.name],
                when=meeting.starts_at,
                badge="Meeting record" if meeting.summary_published_at else "Meeting",
                score=score,
                obj=meeting,
            )
        )
    return Found(
        hits=hits,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        has_more=len(rows) > limit,
    )


def find_materials(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    readable, params = permissions.readable_sql(viewer, "c")
    extra, extra_params = _dates_sql("f.created_at", filters)
    rows, count = ranked(
        MATERIALS,
        query,
        joins=(
            "JOIN meetings_material f ON f.id = {key} "
            "JOIN meetings_meeting m ON m.id = f.meeting_id "
            "JOIN communities_community c ON c.id = m.community_id"
        ),
        where=" AND ".join([readable, *extra]),
        params=params + extra_params,
        limit=limit + 1,
        offset=offset,
    )
    shown = rows[:limit]
    materials = {
        m.pk: m
        for m in Material.objects.filter(pk__in=[row[0] for row in shown]).select_related(
            "meeting__community"
        )
    }
    hits = []
    for material_id, score in shown:
        material = materials.get(material_id)
        if material is None:
            continue
        meeting = material.meeting
        hits.append(
            Hit(
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
                meta=[f"From {meeting.title}", meeting.community.name],
                when=material.created_at,
                badge="File",
                score=score,
                obj=material,
            )
        )
    return Found(
        hits=hits,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        has_more=len(rows) > limit,
    )


MEETINGS_SOURCE = Source(
    key="meetings",
    label="Meetings",
    find=find_meetings,
    order=15,
    filters=frozenset({"community", "since", "until"}),
    preview=5,
)
MATERIALS_SOURCE = Source(
    key="materials",
    label="Meeting materials",
    find=find_materials,
    order=25,
    filters=frozenset({"community", "since", "until"}),
    preview=5,
)
