"""Reads about meetings, always as seen by one viewer."""

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone

from copse.core import cursors, permissions
from copse.core.statements import Compiled
from copse.meetings.models import Meeting, MeetingSeries, Rsvp


def meeting_for(viewer, slug: str, meeting_id: int, action: str = "meeting.view") -> Meeting:
    """The meeting if `viewer` may `action` it, else the same 404 as a missing one.

    Guest presenters reach their meetings here although the community itself
    is hidden from them, so this does not go through the community lookup.
    """
    meeting = (
        Meeting.objects.select_related(
            "community", "series", "host_organisation", "host_contact", "organiser"
        )
        .filter(pk=meeting_id, community__slug=slug)
        .first()
    )
    if meeting is None:
        raise Http404
    permissions.require_or_404(viewer, action, meeting)
    return meeting


def _page_rows(*, meeting_id, viewer_id):
    from copse.memberships.models import Membership

    mine = Rsvp.objects.filter(meeting=OuterRef("pk"), user_id=viewer_id)
    return Meeting.objects.filter(pk=meeting_id).annotate(
        community_slug=F("community__slug"),
        host_organisation_name=F("host_organisation__name"),
        organiser_display_name=F("organiser__display_name"),
        **{
            f"my_{name}": Subquery(mine.values(name)[:1])
            for name in (
                "pk",
                "answer",
                "place",
                "dinner",
                "dinner_note",
                "dietary_needs",
                "delegated_from_id",
            )
        },
        my_delegated_from_name=Subquery(mine.values("delegated_from__display_name")[:1]),
        viewer_has_delegate=Exists(
            Membership.objects.filter(
                community_id=OuterRef("community_id"),
                role="delegate",
                status="active",
                principal__user_id=viewer_id,
            )
        ),
    )


def _community_rows(*, community_id):
    from copse.communities.models import Community

    return Community.objects.filter(pk=community_id)


# Compiled once (copse.core.statements): building these with the ORM cost
# more than the rest of a cached meeting page.
_page_statement = Compiled(_page_rows, meeting_id=int, viewer_id=int)
_community_statement = Compiled(_community_rows, community_id=int)


def meeting_with_viewer(viewer, slug: str, meeting_id: int) -> Meeting:
    """The meeting page's meeting, with its community, host and organiser,
    and what the page shows of the viewer, read in the same statement: their
    answer (`my_rsvp`, None when they have not answered) and whether they
    have an active delegate in its community (`viewer_has_delegate`). Two
    statements; 404 when missing. The caller checks the permission (it needs
    the presenters first, meetings/page.py)."""
    from copse.accounts.models import User
    from copse.organisations.models import Organisation

    alias = Meeting.objects.db
    viewer_id = viewer.pk if viewer.is_authenticated else 0  # 0: nobody's id
    rows = _page_statement.run(alias, meeting_id=meeting_id, viewer_id=viewer_id)
    meeting = rows[0] if rows else None
    if meeting is None or meeting.community_slug != slug:
        raise Http404
    meeting.community = _community_statement.run(alias, community_id=meeting.community_id)[0]
    if meeting.host_organisation_id:
        meeting.host_organisation = Organisation(
            pk=meeting.host_organisation_id, name=meeting.host_organisation_name
        )
    else:
        meeting.host_organisation = None
    if meeting.organiser_id:
        meeting.organiser = User(
            pk=meeting.organiser_id, display_name=meeting.organiser_display_name
        )
    else:
        meeting.organiser = None
    meeting.my_rsvp = _my_rsvp(viewer, meeting) if viewer.is_authenticated else None
    return meeting


def _my_rsvp(viewer, meeting) -> Rsvp | None:
    if meeting.my_pk is None:
        return None
    from copse.accounts.models import User

    delegated_from = (
        User(pk=meeting.my_delegated_from_id, display_name=meeting.my_delegated_from_name or "")
        if meeting.my_delegated_from_id
        else None
    )
    return Rsvp(
        pk=meeting.my_pk,
        meeting=meeting,
        user=viewer,
        answer=meeting.my_answer,
        place=meeting.my_place,
        dinner=bool(meeting.my_dinner),
        dinner_note=meeting.my_dinner_note,
        dietary_needs=meeting.my_dietary_needs,
        delegated_from=delegated_from,
    )


# How many names of each kind (going, waitlisted, maybe) the meeting page
# lists; the whole list is a page of its own (`meeting_people`).
PEOPLE_SHOWN = 24


@dataclass
class People:
    """Who answered, by kind: the first names of each and how many in all."""

    going: list = field(default_factory=list)
    waitlist: list = field(default_factory=list)
    maybes: list = field(default_factory=list)
    going_count: int = 0
    waitlist_count: int = 0
    maybe_count: int = 0

    @property
    def more_going(self) -> int:
        return self.going_count - len(self.going)

    @property
    def more_waitlisted(self) -> int:
        return self.waitlist_count - len(self.waitlist)

    @property
    def more_maybes(self) -> int:
        return self.maybe_count - len(self.maybes)

    @property
    def cut(self) -> bool:
        return bool(self.more_going or self.more_waitlisted or self.more_maybes)


_PEOPLE_ORDER = ("waitlisted_at", "answered_at", "id")


def _people_rows(meeting: Meeting):
    """Answers the page lists, each with its kind: going, waitlisted, maybe."""
    from django.db.models import Case, CharField, When

    kind = Case(
        When(place=Rsvp.Place.GOING, then=Value("going")),
        When(place=Rsvp.Place.WAITLISTED, then=Value("waitlisted")),
        When(answer=Rsvp.Answer.MAYBE, then=Value("maybe")),
        default=Value(""),
        output_field=CharField(),
    )
    return (
        Rsvp.objects.filter(meeting=meeting)
        .filter(Q(place__in=(Rsvp.Place.GOING, Rsvp.Place.WAITLISTED)) | Q(answer="maybe"))
        .annotate(kind=kind)
        .select_related("user__organisation", "delegated_from")
    )


def _sorted_people(rows, people: People) -> People:
    for row in rows:
        {"going": people.going, "waitlisted": people.waitlist, "maybe": people.maybes}[
            row.kind
        ].append(row)
    return people


def people_preview(meeting: Meeting, *, shown: int = PEOPLE_SHOWN) -> People:
    """The first `shown` of each kind and each kind's count, in one statement
    (a window numbers and counts each kind)."""
    by_kind = {"partition_by": [F("kind")]}
    rows = (
        _people_rows(meeting)
        .annotate(
            nth=Window(RowNumber(), order_by=[F(name).asc() for name in _PEOPLE_ORDER], **by_kind),
            of_kind=Window(Count("id"), **by_kind),
        )
        .filter(nth__lte=shown)
        .order_by(*_PEOPLE_ORDER)
    )
    people = _sorted_people(rows, People())
    for kind, count_name in (
        (people.going, "going_count"),
        (people.waitlist, "waitlist_count"),
        (people.maybes, "maybe_count"),
    ):
        setattr(people, count_name, kind[0].of_kind if kind else 0)
    return people


def meeting_people(meeting: Meeting) -> People:
    """Everyone who answered yes or maybe, for the page of the whole list."""
    people = _sorted_people(_people_rows(meeting).order_by(*_PEOPLE_ORDER), People())
    people.going_count = len(people.going)
    people.waitlist_count = len(people.waitlist)
    people.maybe_count = len(people.maybes)
    return people


PAGE_SIZE = 20


def upcoming_meetings(viewer, community, *, limit: int = PAGE_SIZE):
    """The next meetings, soonest first (cancelled ones too, marked as such)."""
    now = timezone.now()
    return list(
        Meeting.objects.filter(community=community, ends_at__gte=now)
        .filter(permissions.visible_meetings_q(viewer))
        .select_related("host_organisation", "community")
        .order_by("starts_at", "id")[:limit]
    )


def past_meetings(viewer, community, *, before: str | None = None, records_only: bool = False):
    """Past meetings newest first, by keyset (`before` = "<iso start>|<id>")."""
    now = timezone.now()
    rows = (
        Meeting.objects.filter(community=community, ends_at__lt=now)
        .filter(permissions.visible_meetings_q(viewer))
        .select_related("host_organisation", "community")
        .order_by("-starts_at", "-id")
    )
    if records_only:
        # The record's item in the library, if it has been filed there (the
        # library files it when the summary is published): one join, at most
        # one row per meeting (the library allows one record per meeting).
        filed = FilteredRelation(
            "library_items",
            condition=Q(library_items__kind="meeting_record", library_items__removed_at=None),
        )
        rows = (
            rows.filter(summary_published_at__isnull=False)
            .annotate(filed=filed)
            .annotate(library_item_id=F("filed__id"))
        )
    cursor = _parse_cursor(before)
    if cursor:
        at, pk = cursor
        rows = rows.filter(Q(starts_at__lt=at) | Q(starts_at=at, pk__lt=pk))
    page = list(rows[: PAGE_SIZE + 1])
    next_cursor = None
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        next_cursor = f"{page[-1].starts_at.isoformat()}|{page[-1].pk}"
    return page, next_cursor


def _parse_cursor(value: str | None):
    return cursors.parse(value, cursors.MOMENT, cursors.INT)


def my_upcoming_meetings(viewer, *, limit: int = 50, with_my_answer: bool = False):
    """Across communities: meetings the viewer may see, soonest first. This is
    where guest presenters find the meetings they present at. With
    `with_my_answer`, each carries the viewer's RSVP as `my_rsvp` (None when
    they have not answered), read in the same statement."""
    if not viewer.is_authenticated:
        return []
    meetings = (
        Meeting.objects.filter(ends_at__gte=timezone.now())
        .filter(permissions.visible_meetings_q(viewer))
        .filter(
            Q(community_id__in=permissions.seated_community_ids(viewer))
            | Q(agenda_items__presenter=viewer)
        )
        .select_related("community", "host_organisation")
        .distinct()
        .order_by("starts_at", "id")
    )
    if not with_my_answer:
        return list(meetings[:limit])
    mine = Rsvp.objects.filter(meeting=OuterRef("pk"), user=viewer)
    meetings = meetings.annotate(
        my_answer=Subquery(mine.values("answer")[:1]),
        my_place=Subquery(mine.values("place")[:1]),
    )
    rows = list(meetings[:limit])
    for meeting in rows:
        meeting.my_rsvp = (
            Rsvp(meeting=meeting, user=viewer, answer=meeting.my_answer, place=meeting.my_place)
            if meeting.my_answer is not None
            else None
        )
    return rows


def reminder_audience(meeting: Meeting):
    """Seated members who have not answered, and those who have a place."""
    from copse.accounts.models import User
    from copse.memberships.models import Membership

    answered = Rsvp.objects.filter(meeting=meeting).values("user_id")
    going = Rsvp.objects.filter(meeting=meeting, place=Rsvp.Place.GOING).values("user_id")
    seated = Membership.objects.filter(
        community_id=meeting.community_id,
        status="active",
        role__in=permissions.READING_ROLES,
    ).values("user_id")
    return User.objects.filter(is_active=True).filter(
        Q(pk__in=seated) & (~Q(pk__in=answered) | Q(pk__in=going))
    )


def seated_users(community):
    from copse.accounts.models import User

    return User.objects.filter(
        memberships__community=community,
        memberships__status="active",
        memberships__role__in=permissions.READING_ROLES,
    ).order_by("display_name", "pk")


def presenter_candidates(community):
    from copse.accounts.models import User

    return User.objects.filter(
        memberships__community=community,
        memberships__status="active",
        memberships__role__in=("member", "facilitator", "guest_presenter"),
    ).order_by("display_name", "pk")


def series_of(viewer, community):
    permissions.require_or_404(viewer, "community.read", community)
    return list(MeetingSeries.objects.filter(community=community).order_by("-created_at"))


def attendance_sheet(meeting: Meeting):
    """Everyone who may be at the door: seated members and the meeting's guest
    presenters; those with a place and the presenters first. Two queries."""
    from copse.meetings.models import AgendaItem
    from copse.memberships.models import Membership

    rsvps = {r.user_id: r for r in Rsvp.objects.filter(meeting=meeting)}
    presenting = AgendaItem.objects.filter(meeting=meeting, presenter__isnull=False).values(
        "presenter_id"
    )
    members = list(
        Membership.objects.filter(community_id=meeting.community_id)
        .filter(
            Q(status__in=permissions.SEATED_STATUSES, role__in=permissions.READING_ROLES)
            | Q(status="active", role="guest_presenter", user_id__in=presenting)
        )
        .select_related("user__organisation")
        .order_by("user__display_name", "user_id")
    )
    rows = [
        AttendanceRow(m.user, rsvps.get(m.user_id), m.role == "guest_presenter") for m in members
    ]

    def order(row):
        rsvp = row.rsvp
        expected = row.presenting or (rsvp and rsvp.place == Rsvp.Place.GOING)
        rank = 0 if expected else 1 if rsvp else 2
        return (rank, row.person.display_name.lower())

    return sorted(rows, key=order)


@dataclass
class AttendanceRow:
    """One name on the door list."""

    person: object
    rsvp: Rsvp | None
    presenting: bool = False


def present_count(meeting: Meeting) -> int:
    """How many are marked present: the figure the door list shows."""
    return Rsvp.objects.filter(meeting=meeting, attended=True).count()
