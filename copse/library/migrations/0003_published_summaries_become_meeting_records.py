"""Every meeting whose summary was published before the library existed gets
its meeting-record item, as publishing files one now
(`library.services.file_meeting_record`): the summary as its one version,
credit to the organiser and the presenters who hold a seat, the community's
topic areas of the agenda's topics.

Historical models only, and the rules written out here as they stand today,
so the migration means the same whatever the code becomes. Meetings that
already have their record are left alone, so running it again adds nothing.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import DEFAULT_DB_ALIAS, migrations
from django.db.models import F, OuterRef, Subquery

from copse.core.db import analyze_after_migration

BATCH = 500
# permissions.READING_ROLES and SEATED_STATUSES when this was written.
READING_ROLES = ("member", "facilitator", "delegate")
SEATED_STATUSES = ("active", "on_leave")
FIRST_NOTE = "Published with the meeting's summary"


def _title(meeting) -> str:
    try:
        zone = ZoneInfo(meeting.time_zone)
    except (KeyError, ValueError):
        zone = dt.timezone.utc
    day = meeting.starts_at.astimezone(zone).date()
    if f"{day:%B %Y}" in meeting.title:
        return meeting.title[:200]
    return f"{meeting.title} — {day.day} {day:%B %Y}"[:200]


def _description(agenda) -> str:
    talks = [item.title for item in agenda if item.title]
    description = "The record of the meeting, with the materials shared at it."
    if talks:
        description = f"{description} On the agenda: {'; '.join(talks)}."
    return description[:4000]


def _areas(meeting, agenda) -> list:
    allowed = [str(a) for a in (meeting.community.topic_areas or [])]
    areas = {item.topic.area for item in agenda if item.topic is not None}
    return [area for area in allowed if area in areas]


def _file(apps, db, meetings) -> None:
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    Membership = apps.get_model("memberships", "Membership")
    User = apps.get_model("accounts", "User")
    LibraryItem = apps.get_model("library", "LibraryItem")
    ItemVersion = apps.get_model("library", "ItemVersion")
    ItemAuthor = apps.get_model("library", "ItemAuthor")

    agendas = {m.pk: [] for m in meetings}
    for item in (
        AgendaItem.objects.using(db)
        .filter(meeting_id__in=agendas)
        .select_related("topic")
        .order_by("meeting_id", "position", "id")
    ):
        agendas[item.meeting_id].append(item)
    people = {m.pk: [m.organiser_id] for m in meetings}
    for meeting_id, agenda in agendas.items():
        people[meeting_id] += [item.presenter_id for item in agenda]
    wanted = {pk for ids in people.values() for pk in ids if pk is not None}
    seated = set(
        Membership.objects.using(db)
        .filter(
            community_id__in={m.community_id for m in meetings},
            user_id__in=wanted,
            status__in=SEATED_STATUSES,
            role__in=READING_ROLES,
        )
        .values_list("community_id", "user_id")
    )
    users = User.objects.using(db).select_related("organisation").in_bulk(wanted)

    LibraryItem.objects.using(db).bulk_create(
        [
            LibraryItem(
                community_id=m.community_id,
                kind="meeting_record",
                meeting_id=m.pk,
                title=_title(m),
                description=_description(agendas[m.pk]),
                topic_areas=_areas(m, agendas[m.pk]),
                created_by_id=m.organiser_id,
                sharing="community",
                version_count=1,
                updated_at=m.summary_published_at,
            )
            for m in meetings
        ]
    )
    filed = dict(
        LibraryItem.objects.using(db)
        .filter(kind="meeting_record", meeting_id__in=agendas)
        .values_list("meeting_id", "pk")
    )
    # Filed when it was published, not when this ran.
    LibraryItem.objects.using(db).filter(pk__in=filed.values()).update(created_at=F("updated_at"))
    ItemVersion.objects.using(db).bulk_create(
        [
            ItemVersion(
                item_id=filed[m.pk],
                number=1,
                change_note=FIRST_NOTE,
                body_markdown=m.summary_markdown,
                body_html=m.summary_html,
                created_by_id=m.organiser_id,
                text_status="none",
            )
            for m in meetings
        ]
    )
    ItemVersion.objects.using(db).filter(item_id__in=filed.values()).update(
        created_at=Subquery(
            LibraryItem.objects.using(db).filter(pk=OuterRef("item_id")).values("updated_at")[:1]
        )
    )
    authors = []
    for m in meetings:
        credited = [
            users[pk]
            for pk in dict.fromkeys(people[m.pk])
            if pk in users and (m.community_id, pk) in seated
        ]
        for position, person in enumerate(credited):
            organisation = person.organisation
            authors.append(
                ItemAuthor(
                    item_id=filed[m.pk],
                    person_id=person.pk,
                    name=person.display_name or person.email,
                    organisation_id=organisation.pk if organisation else None,
                    organisation_name=organisation.name if organisation else "",
                    position=position,
                )
            )
    ItemAuthor.objects.using(db).bulk_create(authors)


def file_published_summaries(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    LibraryItem = apps.get_model("library", "LibraryItem")
    db = schema_editor.connection.alias if schema_editor is not None else DEFAULT_DB_ALIAS

    recorded = LibraryItem.objects.using(db).filter(
        kind="meeting_record", meeting_id__isnull=False
    )
    pending = (
        Meeting.objects.using(db)
        .filter(summary_published_at__isnull=False)
        .exclude(pk__in=recorded.values("meeting_id"))
        .select_related("community")
        .order_by("pk")
    )
    last = 0
    while True:
        meetings = list(pending.filter(pk__gt=last)[:BATCH])
        if not meetings:
            return
        last = meetings[-1].pk
        _file(apps, db, meetings)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_organisation_is_verified"),
        ("library", "0002_adapted_credit"),
        ("meetings", "0002_initial"),
        ("memberships", "0003_invitation_names_a_delegates_principal"),
        ("topics", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(file_published_summaries, migrations.RunPython.noop),
        # A record for each published summary was added: fresh statistics for
        # PostgreSQL's planner.
        analyze_after_migration(
            "library.LibraryItem", "library.ItemVersion", "library.ItemAuthor"
        ),
    ]
