"""Reads for the sponsor's report and the sponsors' list.

`programme_report` runs a fixed number of grouped queries whatever the
number of communities, meetings and posts, and returns figures only: no
title, no text, no person's name. Which communities it names is the
permission core's (`named_in_programme_report`); what it may show of small
numbers is `suppression.shown`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from copse.accounts.models import User
from copse.communities.models import Community, SizeBand
from copse.conversations.models import Thread
from copse.core import permissions
from copse.library.models import LibraryItem, Reuse
from copse.meetings.models import Meeting, Rsvp
from copse.memberships.models import Membership
from copse.pulses import report as pulses_report
from copse.pulses.statements import STATEMENTS
from copse.sponsors.figures import MEASURES, Activity, community_figures, percent
from copse.sponsors.suppression import MINIMUM_PEOPLE, shown
from copse.value import report as value_report

# The periods a report covers, in days; anything else asked for gets the default.
PERIODS = (90, 365)
DEFAULT_PERIOD = 365
# Who a community's members are, as the community's own member count has it.
COUNTED_ROLES = ("member", "facilitator")


def period_days(raw) -> int:
    """The period a query string asks for: one of PERIODS, else the default."""
    try:
        days = int(str(raw).strip())
    except (TypeError, ValueError):
        return DEFAULT_PERIOD
    return days if days in PERIODS else DEFAULT_PERIOD


@dataclass
class CommunityRow:
    name: str
    band: SizeBand
    figures: dict

    @property
    def cells(self) -> list:
        """The figures in the order of the table's columns (MEASURES)."""
        return [self.figures[key] for key, _ in MEASURES]


@dataclass
class QuarterAttendance:
    quarter: str
    meetings: int
    rate: object  # a percent, FEWER_THAN_FIVE or None


@dataclass
class Report:
    days: int
    since: dt.datetime
    until: dt.datetime
    communities: int
    rows: list[CommunityRow]
    reported_count: int  # named communities of five members or more: the activity's source
    totals: dict
    bands: list[tuple[str, int]]
    unnamed_communities: int
    unnamed_members: object
    people: object
    organisations: object
    attendance_by_quarter: list[QuarterAttendance]
    value: dict
    pulses: list[dict]
    statements: tuple = STATEMENTS
    named_count: int = field(init=False)

    def __post_init__(self):
        self.named_count = len(self.rows)

    @property
    def total_cells(self) -> list:
        return [self.totals[key] for key, _ in MEASURES]


def _seated():
    return Membership.objects.filter(
        status__in=Membership.SEATED, role__in=COUNTED_ROLES, user__is_active=True
    )


def _members_per_community(named_ids) -> dict:
    return {
        row["community_id"]: row
        for row in _seated()
        .filter(community_id__in=named_ids)
        .values("community_id")
        .annotate(
            people=Count("user", distinct=True),
            organisations=Count("organisation", distinct=True),
        )
        .order_by()
    }


def _people(reported_ids, unnamed_ids) -> dict:
    """Distinct people and organisations: across the programme, across the
    communities with figures, and in the unnamed communities together."""
    return _seated().aggregate(
        people=Count("user", distinct=True),
        organisations=Count("organisation", distinct=True),
        reported_people=Count("user", distinct=True, filter=Q(community_id__in=reported_ids)),
        reported_organisations=Count(
            "organisation", distinct=True, filter=Q(community_id__in=reported_ids)
        ),
        unnamed_people=Count("user", distinct=True, filter=Q(community_id__in=unnamed_ids)),
    )


def _meetings(community_ids, since, until):
    held = Meeting.objects.filter(
        community_id__in=community_ids,
        starts_at__gte=since,
        starts_at__lt=until,
    ).exclude(status=Meeting.Status.CANCELLED)
    held_per_community = dict(
        held.values("community_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("community_id", "n")
    )
    # The rate counts only meetings whose attendance was taken: a meeting
    # nobody ticked in says nothing about who came.
    taken = held.filter(Exists(Rsvp.objects.filter(meeting=OuterRef("pk"), attended__isnull=False)))
    places = Rsvp.objects.filter(meeting__in=taken, place=Rsvp.Place.GOING)
    counts = {
        "places": Count("id"),
        "attended": Count("id", filter=Q(attended=True)),
        "attendees": Count("user", distinct=True),
    }
    per_community = {
        row["meeting__community_id"]: row
        for row in places.values("meeting__community_id").annotate(**counts).order_by()
    }
    overall = places.aggregate(**counts)
    by_quarter = (
        places.annotate(quarter=TruncQuarter("meeting__starts_at"))
        .values("quarter")
        .annotate(meetings=Count("meeting", distinct=True), **counts)
        .order_by("quarter")
    )
    return held_per_community, per_community, overall, list(by_quarter)


def _asks(community_ids, since):
    """One row per ask started in the period: its community, its asker, when,
    its first reply and whether a reply was marked helpful. Medians need the
    single values; the query count stays one."""
    replies = Q(posts__position__gt=0, posts__removed_at__isnull=True)
    return list(
        Thread.objects.filter(
            community_id__in=community_ids,
            kind=Thread.Kind.ASK,
            removed_at__isnull=True,
            created_at__gte=since,
        )
        .annotate(
            first_reply_at=Min("posts__created_at", filter=replies),
            helpful_replies=Count("posts", filter=replies & Q(posts__helpful=True)),
        )
        .values_list("community_id", "author_id", "created_at", "first_reply_at", "helpful_replies")
        .order_by()
    )


def _library(community_ids, since):
    items = {
        row["community_id"]: row
        for row in LibraryItem.objects.filter(
            community_id__in=community_ids, removed_at__isnull=True
        )
        .values("community_id")
        .annotate(items=Count("id"), added=Count("id", filter=Q(created_at__gte=since)))
        .order_by()
    }
    reuses = dict(
        Reuse.objects.filter(item__community_id__in=community_ids, created_at__gte=since)
        .values("item__community_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("item__community_id", "n")
    )
    return items, reuses


def _add_asks(activity: Activity, asks) -> None:
    askers = set()
    for _, author_id, created_at, first_reply_at, helpful_replies in asks:
        activity.asks += 1
        askers.add(author_id)
        if first_reply_at is not None:
            activity.answered += 1
            activity.hours_to_first_reply.append(
                max((first_reply_at - created_at).total_seconds(), 0) / 3600
            )
        if helpful_replies:
            activity.helpful += 1
    activity.askers = len(askers - {None})


def _value_figures(totals: dict) -> dict:
    """Value totals with the rule applied: each total shows only when at
    least five people's stories make it up."""
    return {
        "stories": shown(totals["stories"], people=totals["storytellers"]),
        "storytellers": shown(totals["storytellers"], people=totals["storytellers"]),
        "money": [
            {
                "currency": row["currency"],
                "amount": shown(row["amount"], people=row["storytellers"]),
                "stories": shown(row["stories"], people=row["storytellers"]),
            }
            for row in totals["money"]
        ],
        "hours": {
            "amount": shown(totals["hours"]["amount"], people=totals["hours"]["storytellers"]),
            "stories": shown(totals["hours"]["stories"], people=totals["hours"]["storytellers"]),
        },
        "cycles": [
            {
                "cycle": row["cycle"],
                "label": row["label"],
                "stories": shown(row["stories"], people=row["storytellers"]),
            }
            for row in totals["cycles"]
        ],
    }


def programme_report(viewer, *, days: int = DEFAULT_PERIOD, now=None) -> Report:
    """The sponsor's report over the last `days` days (membership as of now)."""
    permissions.require_or_404(viewer, "programme.view_report")
    days = period_days(days)
    until = now or timezone.now()
    since = until - dt.timedelta(days=days)

    communities = list(
        Community.objects.only("id", "name", "visibility", "listed").order_by("name", "id")
    )
    named = [c for c in communities if permissions.named_in_programme_report(c)]
    named_ids = {c.pk for c in named}
    unnamed_ids = [c.pk for c in communities if c.pk not in named_ids]
    members = _members_per_community(list(named_ids))
    # Activity is counted only where a row may show it: in a named community
    # of five members or more. A total holding a smaller one's activity
    # would, less the rows shown, give its figures away.
    reported_ids = [c.pk for c in named if members.get(c.pk, {}).get("people", 0) >= MINIMUM_PEOPLE]

    people = _people(reported_ids, unnamed_ids)
    held, attendance, attendance_overall, attendance_by_quarter = _meetings(
        reported_ids, since, until
    )
    asks = _asks(reported_ids, since)
    library_items, reuses = _library(reported_ids, since)

    asks_by_community = defaultdict(list)
    for ask in asks:
        asks_by_community[ask[0]].append(ask)

    rows = []
    total = Activity(
        members=people["reported_people"],
        organisations=people["reported_organisations"],
        places=attendance_overall["places"],
        attended=attendance_overall["attended"],
        attendees=attendance_overall["attendees"],
    )
    _add_asks(total, asks)
    for community in named:
        seated = members.get(community.pk, {})
        present = attendance.get(community.pk, {})
        library = library_items.get(community.pk, {})
        activity = Activity(
            members=seated.get("people", 0),
            organisations=seated.get("organisations", 0),
            meetings_held=held.get(community.pk, 0),
            places=present.get("places", 0),
            attended=present.get("attended", 0),
            attendees=present.get("attendees", 0),
            library_items=library.get("items", 0),
            library_added=library.get("added", 0),
            reuses=reuses.get(community.pk, 0),
        )
        _add_asks(activity, asks_by_community.get(community.pk, []))
        total.meetings_held += activity.meetings_held
        total.library_items += activity.library_items
        total.library_added += activity.library_added
        total.reuses += activity.reuses
        rows.append(
            CommunityRow(
                name=community.name,
                band=SizeBand.for_count(activity.members),
                figures=community_figures(activity),
            )
        )

    bands: dict[str, list] = {}
    for row in rows:
        bands.setdefault(row.band.key, [row.band.label, 0])[1] += 1
    band_order = ["fragile", "small", "healthy", "large", "too-large"]
    return Report(
        days=days,
        since=since,
        until=until,
        communities=len(communities),
        rows=rows,
        reported_count=len(reported_ids),
        totals=community_figures(total),
        bands=[tuple(bands[key]) for key in band_order if key in bands],
        unnamed_communities=len(unnamed_ids),
        unnamed_members=shown(people["unnamed_people"], people=people["unnamed_people"]),
        people=shown(people["people"], people=people["people"]),
        organisations=shown(people["organisations"], people=people["people"]),
        attendance_by_quarter=[
            QuarterAttendance(
                quarter=pulses_report.quarter_label(_as_date(row["quarter"])),
                meetings=row["meetings"],
                rate=shown(percent(row["attended"], row["places"]), people=row["attendees"]),
            )
            for row in attendance_by_quarter
        ],
        # Stories their authors shared for the report count wherever they were
        # told, confidential communities included: that is the consent the
        # sharing level asks for, and value is never broken down by community,
        # so no row can be taken from the total to single one out.
        value=_value_figures(value_report.totals([c.pk for c in communities], since=since)),
        pulses=[
            {
                **row,
                "means": [shown(mean, people=row["respondents"]) for mean in row["means"]],
            }
            for row in pulses_report.trends(reported_ids, since=timezone.localdate(since))
        ],
    )


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def sponsors(viewer):
    """Everyone who holds the sponsor role, for the site admins' page."""
    permissions.require_or_404(viewer, "programme.grant_sponsor")
    return (
        User.objects.filter(is_sponsor=True)
        .select_related("organisation")
        .order_by("display_name", "email")
    )
