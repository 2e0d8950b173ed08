"""Reads about meetings, always as seen by one viewer."""

from dataclasses import dataclass, field

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from copse.core import cursors, permissions
from copse.meetings.models import Meeting, MeetingSeries, PresentationFeedback, Rsvp


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


@dataclass
class MeetingPage:
    """Everything the meeting page shows, decided for one viewer."""

    meeting: Meeting
    agenda: list
    agenda_minutes: int
    may: dict
    my_rsvp: Rsvp | None = None
    attendees: list = field(default_factory=list)
    waitlist: list = field(default_factory=list)
    maybes: list = field(default_factory=list)
    materials: list = field(default_factory=list)
    action_items: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    feedback: list = field(default_factory=list)
    feedback_by_item: dict = field(default_factory=dict)
    my_feedback: dict = field(default_factory=dict)
    # Feedback shared with the viewer on their own presentations, by agenda item.
    shared_with_me: dict = field(default_factory=dict)
    delegates: list = field(default_factory=list)
    sent_delegates: list = field(default_factory=list)


def meeting_page(viewer, meeting: Meeting) -> MeetingPage:
    """A fixed number of queries whatever the size of the agenda, the RSVPs,
    the materials or the comments."""
    may = {
        action: permissions.can(viewer, f"meeting.{action}", meeting)
        for action in (
            "view_whole",
            "view_logistics",
            "view_attendees",
            "rsvp",
            "send_delegate",
            "manage",
            "view_dietary",
            "upload_material",
            "give_feedback",
            "view_feedback",
            "comment_summary",
        )
    }
    items = list(
        meeting.agenda_items.select_related("presenter__organisation", "topic").order_by(
            "position", "id"
        )
    )
    if not may["view_whole"]:
        # A guest presenter sees only what they present.
        items = [item for item in items if item.presenter_id == viewer.pk]
    page = MeetingPage(
        meeting=meeting,
        agenda=items,
        agenda_minutes=sum(item.minutes for item in items),
        may=may,
    )
    if viewer.is_authenticated:
        page.my_rsvp = Rsvp.objects.filter(meeting=meeting, user=viewer).first()
    if may["view_attendees"]:
        rows = list(
            Rsvp.objects.filter(meeting=meeting)
            .exclude(answer=Rsvp.Answer.NO, attended__isnull=True)
            .select_related("user__organisation", "delegated_from")
            .order_by("waitlisted_at", "answered_at", "id")
        )
        page.attendees = [r for r in rows if r.place == Rsvp.Place.GOING]
        page.waitlist = [r for r in rows if r.place == Rsvp.Place.WAITLISTED]
        page.maybes = [r for r in rows if r.answer == Rsvp.Answer.MAYBE]
    materials = meeting.materials.select_related("uploaded_by", "agenda_item")
    if may["view_whole"]:
        page.materials = list(materials)
    elif viewer.is_authenticated:
        page.materials = list(materials.filter(uploaded_by=viewer))
    if may["view_whole"]:
        page.action_items = list(meeting.action_items.select_related("owner"))
        if not meeting.summary_is_published:
            page.comments = list(meeting.summary_comments.select_related("author"))
        page.delegates = _my_delegates(viewer, meeting)
        if page.delegates:
            page.sent_delegates = [
                r for r in page.attendees + page.waitlist if r.delegated_from_id == viewer.pk
            ]
    if may["give_feedback"]:
        page.my_feedback = {
            f.agenda_item_id: f
            for f in PresentationFeedback.objects.filter(
                agenda_item__meeting=meeting, author=viewer
            )
        }
    if may["view_feedback"]:
        page.feedback = list(
            PresentationFeedback.objects.filter(agenda_item__meeting=meeting)
            .select_related("author", "agenda_item")
            .order_by("agenda_item__position", "-created_at")
        )
        for one in page.feedback:
            page.feedback_by_item.setdefault(one.agenda_item_id, []).append(one)
    shared = [
        item.pk
        for item in items
        if item.presenter_id == viewer.pk
        and permissions.can(viewer, "agenda_item.read_shared_feedback", item)
    ]
    if shared:
        # Only what the presenter may read: no author is loaded, so no name
        # can reach the page.
        for one in (
            PresentationFeedback.objects.filter(agenda_item_id__in=shared)
            .only("agenda_item_id", "usefulness", "comment")
            .order_by("-usefulness", "created_at")
        ):
            page.shared_with_me.setdefault(one.agenda_item_id, []).append(one)
    return page


def _my_delegates(viewer, meeting):
    if not viewer.is_authenticated:
        return []
    from copse.memberships.models import Membership

    return [
        m.user
        for m in Membership.objects.filter(
            community_id=meeting.community_id,
            role="delegate",
            status="active",
            principal__user=viewer,
        ).select_related("user")
    ]


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
