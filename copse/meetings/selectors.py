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
        organiser_handle=F("organiser__handle"),
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
        my_delegated_from_handle=Subquery(mine.values("delegated_from__handle")[:1]),
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
    meeting = _read_with_viewer(viewer, meeting_id, slug)
    if meeting is None:
        raise Http404
    return meeting


def meeting_by_id_for(viewer, meeting_id: int) -> Meeting | None:
    """The meeting wherever it lives, read as `meeting_with_viewer` reads it
    (with `my_rsvp` and `viewer_has_delegate`), or None when it is missing
    or `viewer` may not view it (the API addresses meetings by id alone).
    A guest presenter's check reads who presents, unless told (one query)."""
    meeting = _read_with_viewer(viewer, meeting_id)
    if meeting is None or not permissions.can(viewer, "meeting.view", meeting):
        return None
    return meeting


def _read_with_viewer(viewer, meeting_id: int, slug: str | None = None) -> Meeting | None:
    from copse.accounts.models import User
    from copse.organisations.models import Organisation

    if not 0 < meeting_id <= cursors.INT_MAX:
        # The raw statement takes no number a column cannot hold.
        return None
    alias = Meeting.objects.db
    viewer_id = viewer.pk if viewer.is_authenticated else 0  # 0: nobody's id
    rows = _page_statement.run(alias, meeting_id=meeting_id, viewer_id=viewer_id)
    meeting = rows[0] if rows else None
    if meeting is None or (slug is not None and meeting.community_slug != slug):
        return None
    meeting.community = _community_statement.run(alias, community_id=meeting.community_id)[0]
    if meeting.host_organisation_id:
        meeting.host_organisation = Organisation(
            pk=meeting.host_organisation_id, name=meeting.host_organisation_name
        )
    else:
        meeting.host_organisation = None
    if meeting.organiser_id:
        meeting.organiser = User(
            pk=meeting.organiser_id,
            display_name=meeting.organiser_display_name,
            handle=meeting.organiser_handle,
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
        User(
            pk=meeting.my_delegated_from_id,
            display_name=meeting.my_delegated_from_name or "",
            handle=meeting.my_delegated_from_handle,
        )
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


PEOPLE_PAGE_SIZE = 50


def people_page(meeting: Meeting, *, after: str | None = None):
    """Everyone who answered yes or maybe, by keyset: those with a place,
    then the waitlist in its order, then the maybes; within each, first
    answered first. `after` = "<kind>|<iso moment>|<id>" of the last one had.
    Each row has its `kind` ("going", "waitlisted" or "maybe")."""
    from django.db.models import Case, DateTimeField, IntegerField, When

    rank = Case(
        When(place=Rsvp.Place.GOING, then=Value(0)),
        When(place=Rsvp.Place.WAITLISTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    queued = Case(
        When(place=Rsvp.Place.WAITLISTED, waitlisted_at__isnull=False, then=F("waitlisted_at")),
        default=F("answered_at"),
        output_field=DateTimeField(),
    )
    rows = _people_rows(meeting).annotate(rank=rank, queued=queued)
    cursor = cursors.parse(after, cursors.INT, cursors.MOMENT, cursors.INT)
    if cursor:
        kind, at, pk = cursor
        rows = rows.filter(
            Q(rank__gt=kind) | Q(rank=kind, queued__gt=at) | Q(rank=kind, queued=at, pk__gt=pk)
        )
    page = list(rows.order_by("rank", "queued", "id")[: PEOPLE_PAGE_SIZE + 1])
    if len(page) <= PEOPLE_PAGE_SIZE:
        return page, None
    page = page[:PEOPLE_PAGE_SIZE]
    last = page[-1]
    return page, f"{last.rank}|{last.queued.isoformat()}|{last.pk}"


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


def upcoming_page(viewer, community, *, after: str | None = None):
    """The meetings to come, soonest first (cancelled ones too), by keyset
    (`after` = "<iso start>|<id>" of the last one had): the meetings page's
    "Coming up", page by page."""
    rows = (
        Meeting.objects.filter(community=community, ends_at__gte=timezone.now())
        .filter(permissions.visible_meetings_q(viewer))
        .select_related("host_organisation", "community")
        .order_by("starts_at", "id")
    )
    return _page_forward(rows, after)


def _page_forward(rows, after: str | None):
    """A page of `rows` (ordered by start, then id) after the cursor `after`."""
    cursor = _parse_cursor(after)
    if cursor:
        at, pk = cursor
        rows = rows.filter(Q(starts_at__gt=at) | Q(starts_at=at, pk__gt=pk))
    return _cut(list(rows[: PAGE_SIZE + 1]))


def _cut(page: list):
    """The page and the cursor of its last meeting, when more follow."""
    if len(page) <= PAGE_SIZE:
        return page, None
    page = page[:PAGE_SIZE]
    return page, f"{page[-1].starts_at.isoformat()}|{page[-1].pk}"


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
    return _cut(list(rows[: PAGE_SIZE + 1]))


def _parse_cursor(value: str | None):
    return cursors.parse(value, cursors.MOMENT, cursors.INT)


def my_upcoming_meetings(viewer, *, limit: int = 50, with_my_answer: bool = False):
    """Across communities: meetings the viewer may see, soonest first. This is
    where guest presenters find the meetings they present at. With
    `with_my_answer`, each carries the viewer's RSVP as `my_rsvp` (None when
    they have not answered), read in the same statement."""
    if not viewer.is_authenticated:
        return []
    meetings = _mine(viewer)
    if not with_my_answer:
        return list(meetings[:limit])
    rows = list(_with_my_answer(viewer, meetings)[:limit])
    _my_answers(viewer, rows)
    return rows


def my_upcoming_page(viewer, *, after: str | None = None):
    """`my_upcoming_meetings` with the viewer's answers, by keyset (`after` as
    for `upcoming_page`)."""
    rows, next_cursor = _page_forward(_with_my_answer(viewer, _mine(viewer)), after)
    _my_answers(viewer, rows)
    return rows, next_cursor


def _mine(viewer):
    return (
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


def _with_my_answer(viewer, meetings):
    mine = Rsvp.objects.filter(meeting=OuterRef("pk"), user=viewer)
    return meetings.annotate(
        my_answer=Subquery(mine.values("answer")[:1]),
        my_place=Subquery(mine.values("place")[:1]),
    )


def _my_answers(viewer, rows) -> None:
    for meeting in rows:
        meeting.my_rsvp = (
            Rsvp(meeting=meeting, user=viewer, answer=meeting.my_answer, place=meeting.my_place)
            if meeting.my_answer is not None
            else None
        )


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
