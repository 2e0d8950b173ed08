"""Writes about meetings: series, scheduling, agenda, presenters, RSVPs and the
waitlist, attendance, materials, the summary, action items and feedback.

Every function checks permission first and raises a `MeetingError` (a
`UserFacingError`) with a message a person can act on. RSVPs lock the meeting
row, so capacity holds under concurrent answers on PostgreSQL (row lock) and
SQLite (transactions begin IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from copse.audit.services import record
from copse.communities import home
from copse.core import files, permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import render_markdown
from copse.core.storage import files_removed_on_failure
from copse.meetings import recurrence, tasks, versions
from copse.meetings.models import (
    ActionItem,
    AgendaItem,
    HostOffer,
    Material,
    Meeting,
    MeetingSeries,
    PresentationFeedback,
    Rsvp,
    SummaryComment,
)
from copse.meetings.series import add_missing_meetings
from copse.meetings.signals import (
    attendance_recorded,
    meeting_cancelled,
    meeting_changed,
    meeting_created,
    rsvp_answered,
    summary_published,
)

# Fields whose change a calendar must pick up (they raise SEQUENCE).
CALENDAR_FIELDS = {
    "title",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "format",
    "address",
    "web_link",
    "status",
    "host_organisation",
}


class MeetingError(UserFacingError):
    title = gettext_lazy("That did not work")


class NotAllowed(MeetingError):
    title = gettext_lazy("Not allowed")
    status = 403


def _require(actor, action: str, obj, message: str) -> None:
    if not permissions.can(actor, action, obj):
        raise NotAllowed(message)


# --- Series -----------------------------------------------------------------------


def create_series(
    *,
    actor,
    community,
    title: str,
    cadence: str,
    nth: int,
    weekday: str,
    first_date: dt.date,
    start_time: dt.time,
    duration_minutes: int,
    time_zone: str,
    format: str,
    capacity: int | None = None,
) -> MeetingSeries:
    _require(actor, "community.schedule_meetings", community, _("Only a facilitator can do that."))
    rule = recurrence.build_rrule(cadence=cadence, nth=nth, weekday=weekday)
    with transaction.atomic():
        series = MeetingSeries.objects.create(
            community=community,
            title=title,
            rrule=rule,
            first_date=first_date,
            start_time=start_time,
            duration_minutes=duration_minutes,
            time_zone=time_zone,
            format=format,
            capacity=capacity,
            created_by=actor,
        )
        record(
            actor=actor,
            action="meeting.series_created",
            community=community,
            series_id=series.pk,
            rrule=rule,
        )
        generate_meetings(series=series)
    transaction.on_commit(lambda: tasks.plan_series_extension(series))
    return series


def end_series(*, actor, series: MeetingSeries) -> None:
    """Stop generating; meetings already on the calendar stay."""
    _require(
        actor, "community.schedule_meetings", series.community, "Only a facilitator can do that."
    )
    series.ended_at = timezone.now()
    series.save(update_fields=["ended_at"])
    record(
        actor=actor, action="meeting.series_ended", community=series.community, series_id=series.pk
    )


def generate_meetings(*, series: MeetingSeries, now: dt.datetime | None = None) -> list[Meeting]:
    """Put the series' next months on the calendar and queue each new
    meeting's reminders. Idempotent (see `series.add_missing_meetings`)."""
    created = add_missing_meetings(series, now=now)
    for meeting in created:
        meeting_created.send(sender=Meeting, meeting=meeting)
        transaction.on_commit(lambda m=meeting: tasks.schedule_reminders(m))
    return created


# --- Meetings ---------------------------------------------------------------------


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime, time_zone: str) -> None:
    if ends_at <= starts_at:
        raise MeetingError(_("The meeting must end after it starts."))
    if ends_at - starts_at > dt.timedelta(days=3):
        raise MeetingError(_("A meeting can last at most three days."))
    try:
        ZoneInfo(time_zone)
    except (KeyError, ValueError) as exc:
        raise MeetingError(_("%(zone)r is not a time zone we know.") % {"zone": time_zone}) from exc


def create_meeting(*, actor, community, kind: str = Meeting.Kind.REGULAR, **fields) -> Meeting:
    if kind == Meeting.Kind.SIDE:
        _require(
            actor,
            "community.organise_side_meeting",
            community,
            _("Only members who accepted the current norms can organise a side meeting."),
        )
    else:
        _require(
            actor,
            "community.schedule_meetings",
            community,
            _("Only a facilitator can schedule the community's meetings."),
        )
    _check_times(fields["starts_at"], fields["ends_at"], fields.get("time_zone", "UTC"))
    with transaction.atomic():
        meeting = Meeting.objects.create(community=community, kind=kind, organiser=actor, **fields)
        record(
            actor=actor,
            action="meeting.created",
            community=community,
            meeting_id=meeting.pk,
            kind=kind,
        )
        meeting_created.send(sender=Meeting, meeting=meeting)
    transaction.on_commit(lambda: tasks.schedule_reminders(meeting))
    return meeting


def update_meeting(*, actor, meeting: Meeting, **fields) -> Meeting:
    """Change a meeting; moving it or changing where it happens raises SEQUENCE
    and tells those who answered."""
    _require(actor, "meeting.manage", meeting, _("Only the meeting's organisers can change it."))
    if meeting.is_cancelled:
        raise MeetingError(_("This meeting was cancelled. Schedule a new one instead."))
    starts_at = fields.get("starts_at", meeting.starts_at)
    ends_at = fields.get("ends_at", meeting.ends_at)
    _check_times(starts_at, ends_at, fields.get("time_zone", meeting.time_zone))
    changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
    if not changed:
        return meeting
    moved = "starts_at" in changed or "ends_at" in changed
    with transaction.atomic():
        for name in changed:
            setattr(meeting, name, fields[name])
        update_fields = [*changed, "updated_at"]
        if CALENDAR_FIELDS & set(changed):
            meeting.sequence = F("sequence") + 1
            update_fields.append("sequence")
        meeting.save(update_fields=update_fields)
        meeting.refresh_from_db(fields=["sequence"])
        record(
            actor=actor,
            action="meeting.changed",
            community=meeting.community,
            meeting_id=meeting.pk,
            fields=sorted(changed),
        )
        meeting_changed.send(sender=Meeting, meeting=meeting, fields=sorted(changed))
    if moved:
        transaction.on_commit(lambda: tasks.tell_attendees_of_change.enqueue(meeting.pk))
        transaction.on_commit(lambda: tasks.schedule_reminders(meeting))
    return meeting


def cancel_meeting(*, actor, meeting: Meeting, reason: str) -> Meeting:
    _require(actor, "meeting.manage", meeting, _("Only the meeting's organisers can cancel it."))
    if meeting.is_cancelled:
        return meeting
    with transaction.atomic():
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancel_reason = reason.strip()[:300]
        meeting.sequence = F("sequence") + 1
        meeting.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        meeting.refresh_from_db(fields=["sequence"])
        topics = [i.topic for i in meeting.agenda_items.select_related("topic") if i.topic]
        if topics:
            _return_to_backlog(topics)
        record(
            actor=actor,
            action="meeting.cancelled",
            community=meeting.community,
            meeting_id=meeting.pk,
            reason=meeting.cancel_reason,
        )
        meeting_cancelled.send(sender=Meeting, meeting=meeting)
    transaction.on_commit(lambda: tasks.tell_attendees_of_change.enqueue(meeting.pk))
    return meeting


# --- Hosts ------------------------------------------------------------------------


def set_host_offer(*, actor, community, organisation, willing: bool, note: str = "") -> HostOffer:
    """Facilitators keep the list; a member may offer their own organisation."""
    own = getattr(actor, "organisation_id", None) == organisation.pk
    if not (
        permissions.can(actor, "community.schedule_meetings", community)
        or (own and permissions.can(actor, "community.contribute", community))
    ):
        raise NotAllowed(
            _("Only a facilitator, or a member for their own organisation, can do that.")
        )
    offer, _created = HostOffer.objects.update_or_create(
        community=community,
        organisation=organisation,
        defaults={"willing": willing, "note": note.strip()[:300]},
    )
    record(
        actor=actor,
        action="meeting.host_offer",
        community=community,
        organisation_id=organisation.pk,
        willing=willing,
    )
    return offer


def host_rotation(community) -> list[dict]:
    """Willing organisations in the order they should host next: never-hosted
    first (by name), then the one that hosted least recently, and last those
    already down to host a meeting still to come (soonest first).

    Two queries whatever the number of meetings.
    """
    offers = list(
        HostOffer.objects.filter(community=community, willing=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    now = timezone.now()
    # A meeting still to come is not a hosting yet: it is the next one.
    hostings = {
        row["host_organisation_id"]: row
        for row in Meeting.objects.filter(
            community=community,
            status=Meeting.Status.SCHEDULED,
            host_organisation_id__in=[o.organisation_id for o in offers],
        )
        .values("host_organisation_id")
        .annotate(
            last=Max("starts_at", filter=Q(starts_at__lt=now)),
            next=Min("starts_at", filter=Q(starts_at__gte=now)),
        )
    }
    rows = [
        {
            "organisation": o.organisation,
            "note": o.note,
            "last_hosted": hostings.get(o.organisation_id, {}).get("last"),
            "next_hosting": hostings.get(o.organisation_id, {}).get("next"),
        }
        for o in offers
    ]
    booked = sorted(
        (r for r in rows if r["next_hosting"] is not None),
        key=lambda r: (r["next_hosting"], r["organisation"].name),
    )
    free = [r for r in rows if r["next_hosting"] is None]
    never = [r for r in free if r["last_hosted"] is None]
    hosted = sorted(
        (r for r in free if r["last_hosted"] is not None),
        key=lambda r: (r["last_hosted"], r["organisation"].name),
    )
    return never + hosted + booked


def suggested_host(community):
    rotation = host_rotation(community)
    return rotation[0]["organisation"] if rotation else None


# --- Agenda -----------------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    top = meeting.agenda_items.aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def add_agenda_item(
    *,
    actor,
    meeting: Meeting,
    title: str,
    minutes: int,
    topic=None,
    presenter=None,
    notes: str = "",
) -> AgendaItem:
    _require(
        actor, "meeting.manage", meeting, "Only the meeting's organisers can change the agenda."
    )
    if topic is not None and topic.community_id != meeting.community_id:
        raise MeetingError(_("That topic belongs to another community."))
    if presenter is not None and not _is_presenter_candidate(meeting, presenter):
        raise MeetingError(
            _(
                "Presenters are members of the community or invited guest presenters. "
                "Invite an outside presenter by email."
            )
        )
    with transaction.atomic():
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=_next_position(meeting),
            title=(title or (topic.title if topic else "")).strip()[:200],
            topic=topic,
            presenter=presenter,
            minutes=minutes,
            notes=notes,
        )
        if topic is not None:
            from copse.topics.services import mark_scheduled

            mark_scheduled(topics=[topic])
        _touch(meeting)
    return item


def _is_presenter_candidate(meeting: Meeting, user) -> bool:
    st = permissions.standing(user, meeting.community)
    m = st.membership
    return (
        m is not None
        and m.status == "active"
        and m.role in ("member", "facilitator", "guest_presenter")
    )


def _touch(meeting: Meeting) -> None:
    """Raise SEQUENCE: the agenda is part of the calendar entry's description."""
    Meeting.objects.filter(pk=meeting.pk).update(
        sequence=F("sequence") + 1, updated_at=timezone.now(), version=F("version") + 1
    )
    meeting.refresh_from_db(fields=["sequence", "updated_at"])


def update_agenda_item(
    *, actor, item: AgendaItem, title: str, minutes: int, notes: str
) -> AgendaItem:
    _require(
        actor,
        "meeting.manage",
        item.meeting,
        _("Only the meeting's organisers can change the agenda."),
    )
    item.title = title.strip()[:200]
    item.minutes = minutes
    item.notes = notes
    item.save(update_fields=["title", "minutes", "notes"])
    _touch(item.meeting)
    return item


def remove_agenda_item(*, actor, item: AgendaItem) -> None:
    meeting = item.meeting
    _require(
        actor, "meeting.manage", meeting, "Only the meeting's organisers can change the agenda."
    )
    with transaction.atomic():
        topic = item.topic
        item.delete()
        if topic is not None:
            _return_to_backlog([topic])
        _touch(meeting)


def _return_to_backlog(topics) -> None:
    """Scheduled topics on no other live meeting's agenda go back to the backlog."""
    from copse.topics.services import unschedule

    still_on = set(
        AgendaItem.objects.filter(
            topic__in=topics, meeting__status=Meeting.Status.SCHEDULED
        ).values_list("topic_id", flat=True)
    )
    unschedule(topics=[t for t in topics if t.pk not in still_on and t.status == "scheduled"])


def reorder_agenda(*, actor, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Put the agenda in the given order (ids of this meeting's items)."""
    _require(
        actor, "meeting.manage", meeting, "Only the meeting's organisers can change the agenda."
    )
    items = {item.pk: item for item in meeting.agenda_items.all()}
    if sorted(ordered_ids) != sorted(items):
        raise MeetingError(_("The agenda changed while you were reordering it. Try again."))
    with transaction.atomic():
        for position, pk in enumerate(ordered_ids, start=1):
            if items[pk].position != position:
                AgendaItem.objects.filter(pk=pk).update(position=position)
        _touch(meeting)


def move_agenda_item(*, actor, item: AgendaItem, direction: str) -> None:
    """One step up or down: the keyboard and no-JavaScript way to reorder."""
    ids = list(item.meeting.agenda_items.order_by("position", "id").values_list("pk", flat=True))
    index = ids.index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    reorder_agenda(actor=actor, meeting=item.meeting, ordered_ids=ids)


# --- Presenters -------------------------------------------------------------------


def invite_presenter(*, actor, item: AgendaItem, email: str, message: str = ""):
    """Make someone the item's presenter: a member at once, anyone else by an
    invitation as a guest presenter, linked to the item when they accept."""
    from copse.accounts.identity import normalize_email
    from copse.accounts.models import User
    from copse.memberships import services as membership_services

    meeting = item.meeting
    _require(
        actor, "meeting.manage", meeting, "Only the meeting's organisers can invite presenters."
    )
    email = normalize_email(email)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is not None and _is_presenter_candidate(meeting, user):
        item.presenter = user
        item.presenter_email = ""
        item.save(update_fields=["presenter", "presenter_email"])
        _touch(meeting)
        return None
    if not permissions.can(actor, "community.invite", meeting.community):
        raise NotAllowed(_("Only a facilitator can invite guest presenters."))
    with transaction.atomic():
        invitation = membership_services.invite(
            actor=actor,
            community=meeting.community,
            email=email,
            role="guest_presenter",
            message=message
            or _("You are invited to present “%(title)s” on %(day)s.")
            % {"title": item.title, "day": formats.date_format(meeting.starts_at, "j F Y")},
        )
        item.presenter = None
        item.presenter_email = email
        item.save(update_fields=["presenter", "presenter_email"])
        _touch(meeting)
    return invitation


def link_invited_presenter(*, user, community) -> int:
    """After `user` accepted an invitation to `community`: make them presenter of
    the items that were waiting for their address."""
    from copse.accounts.identity import normalize_email

    waiting = AgendaItem.objects.filter(
        meeting__community=community, presenter_email=normalize_email(user.email)
    )
    # The meeting pages name the presenter from now on.
    versions.changed_where(waiting.values("meeting_id"))
    return waiting.update(presenter=user, presenter_email="")


# --- RSVPs --------------------------------------------------------------------------


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _recount_places(meeting: Meeting) -> None:
    going = Rsvp.objects.filter(meeting=meeting, place=Rsvp.Place.GOING).count()
    waiting = Rsvp.objects.filter(meeting=meeting, place=Rsvp.Place.WAITLISTED).count()
    Meeting.objects.filter(pk=meeting.pk).update(
        going_count=going, waitlist_count=waiting, version=F("version") + 1
    )
    # The home's meetings show who is going.
    home.changed(meeting.community_id)
    meeting.going_count, meeting.waitlist_count = going, waiting


def _promote_from_waitlist(meeting: Meeting) -> list[Rsvp]:
    """Fill free places from the waitlist, first come first served."""
    promoted = []
    free = None if meeting.capacity is None else meeting.capacity - meeting.going_count
    waiting = Rsvp.objects.filter(meeting=meeting, place=Rsvp.Place.WAITLISTED).order_by(
        "waitlisted_at", "id"
    )
    if free is not None:
        waiting = waiting[: max(free, 0)]
    for rsvp in waiting:
        rsvp.place = Rsvp.Place.GOING
        rsvp.save(update_fields=["place", "answered_at"])
        promoted.append(rsvp)
    if promoted:
        _recount_places(meeting)
        for rsvp in promoted:
            transaction.on_commit(
                lambda r=rsvp: tasks.tell_promoted.enqueue(r.meeting_id, r.user_id)
            )
    return promoted


def _require_answering(actor, action: str, meeting: Meeting) -> None:
    """Refuse an answer with the reason, to someone who may see the meeting."""
    if permissions.can(actor, action, meeting):
        return
    if permissions.can(actor, "meeting.view", meeting):
        if meeting.is_cancelled:
            raise NotAllowed(_("This meeting was cancelled."))
        if permissions.standing(actor, meeting.community).is_on_leave:
            raise NotAllowed(
                _(
                    "You are on leave from this community: send your delegate in your place, "
                    "or come back from leave to answer."
                )
            )
    raise NotAllowed(_("Only members of the community can answer."))


def _deadline(meeting: Meeting) -> dict:
    """The day and time answers closed, for a message, in the site's zone."""
    closed = timezone.localtime(meeting.rsvp_deadline)
    return {"day": formats.date_format(closed, "j F"), "time": f"{closed:%H:%M}"}


def rsvp(
    *,
    actor,
    meeting: Meeting,
    answer: str,
    dinner: bool = False,
    dinner_note: str = "",
    dietary_needs: str = "",
) -> Rsvp:
    """Answer yes, maybe or no. A yes takes a place while there is one, else a
    waitlist place; giving up a place promotes the first on the waitlist."""
    _require_answering(actor, "meeting.rsvp", meeting)
    if answer not in Rsvp.Answer.values:
        raise MeetingError(_("Answer yes, maybe or no."))
    now = timezone.now()
    if meeting.ends_at <= now:
        raise MeetingError(_("This meeting is over; answers are closed."))
    with transaction.atomic():
        locked = _locked(meeting)
        if locked.is_cancelled:
            raise MeetingError(_("This meeting was cancelled."))
        mine = Rsvp.objects.filter(meeting=locked, user=actor).first()
        held = mine.place if mine else Rsvp.Place.NONE
        if (
            answer == Rsvp.Answer.YES
            and held == Rsvp.Place.NONE
            and locked.rsvp_deadline is not None
            and now > locked.rsvp_deadline
        ):
            raise MeetingError(
                _("Answers closed on %(day)s at %(time)s. Ask a facilitator if you can still come.")
                % _deadline(locked)
            )
        mine = mine or Rsvp(meeting=locked, user=actor)
        mine.answer = answer
        mine.dinner = bool(dinner) and answer == Rsvp.Answer.YES
        mine.dinner_note = dinner_note.strip()[:300]
        mine.dietary_needs = dietary_needs.strip()[:300]
        if answer == Rsvp.Answer.YES:
            if held == Rsvp.Place.NONE:
                if locked.capacity is None or locked.going_count < locked.capacity:
                    mine.place = Rsvp.Place.GOING
                else:
                    mine.place = Rsvp.Place.WAITLISTED
                    mine.waitlisted_at = now
        else:
            mine.place = Rsvp.Place.NONE
            mine.waitlisted_at = None
        mine.save()
        _recount_places(locked)
        if held == Rsvp.Place.GOING and mine.place != Rsvp.Place.GOING:
            _promote_from_waitlist(locked)
        rsvp_answered.send(sender=Rsvp, rsvp=mine)
    meeting.going_count, meeting.waitlist_count = locked.going_count, locked.waitlist_count
    return mine


def delegates_of(user, community):
    """Active delegates standing in for `user` in `community`."""
    from copse.memberships.models import Membership

    return [
        m.user
        for m in Membership.objects.filter(
            community=community,
            role="delegate",
            status="active",
            principal__user=user,
            principal__community=community,
        ).select_related("user")
    ]


def send_delegate(*, actor, meeting: Meeting, delegate) -> Rsvp:
    """Send the member's delegate in their place: the delegate takes the place
    (or waitlist place) the member holds, or, when the member holds none (a
    member on leave does not answer in person), asks for one in the member's
    name as a yes would."""
    _require_answering(actor, "meeting.send_delegate", meeting)
    if delegate not in delegates_of(actor, meeting.community):
        raise MeetingError(_("That person is not your delegate in this community."))
    now = timezone.now()
    if meeting.ends_at <= now:
        raise MeetingError(_("This meeting is over."))
    with transaction.atomic():
        locked = _locked(meeting)
        mine = Rsvp.objects.filter(meeting=locked, user=actor).first()
        theirs = Rsvp.objects.filter(meeting=locked, user=delegate).first() or Rsvp(
            meeting=locked, user=delegate
        )
        if mine is not None and mine.place != Rsvp.Place.NONE:
            freed = theirs.place == Rsvp.Place.GOING  # they already had a place of their own
            theirs.answer = Rsvp.Answer.YES
            theirs.place = mine.place
            theirs.waitlisted_at = mine.waitlisted_at
            theirs.delegated_from = actor
            theirs.dinner = mine.dinner
            theirs.save()
            mine.answer = Rsvp.Answer.NO
            mine.place = Rsvp.Place.NONE
            mine.waitlisted_at = None
            mine.dinner = False
            mine.save()
        else:
            if theirs.place != Rsvp.Place.NONE:
                raise MeetingError(
                    _("%(name)s already has a place at this meeting.") % {"name": delegate.name}
                )
            if locked.rsvp_deadline is not None and now > locked.rsvp_deadline:
                raise MeetingError(
                    _(
                        "Answers closed on %(day)s at %(time)s. "
                        "Ask a facilitator if your delegate can still come."
                    )
                    % _deadline(locked)
                )
            freed = False
            theirs.answer = Rsvp.Answer.YES
            theirs.delegated_from = actor
            if locked.capacity is None or locked.going_count < locked.capacity:
                theirs.place = Rsvp.Place.GOING
            else:
                theirs.place = Rsvp.Place.WAITLISTED
                theirs.waitlisted_at = now
            theirs.save()
        _recount_places(locked)
        if freed:
            _promote_from_waitlist(locked)
        rsvp_answered.send(sender=Rsvp, rsvp=theirs)
        record(
            actor=actor,
            action="meeting.delegate_sent",
            community=locked.community,
            subject=delegate,
            meeting_id=locked.pk,
        )
    meeting.going_count, meeting.waitlist_count = locked.going_count, locked.waitlist_count
    transaction.on_commit(lambda: tasks.tell_delegate.enqueue(meeting.pk, delegate.pk, actor.pk))
    return theirs


def set_capacity(*, actor, meeting: Meeting, capacity: int | None) -> Meeting:
    """Change capacity; a larger one promotes from the waitlist at once."""
    _require(actor, "meeting.manage", meeting, _("Only the meeting's organisers can change it."))
    with transaction.atomic():
        locked = _locked(meeting)
        if capacity is not None and capacity < locked.going_count:
            raise MeetingError(
                ngettext(
                    "%(count)d person already has a place; capacity cannot go below that.",
                    "%(count)d people already have a place; capacity cannot go below that.",
                    locked.going_count,
                )
                % {"count": locked.going_count}
            )
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        _promote_from_waitlist(locked)
    meeting.capacity = capacity
    meeting.going_count, meeting.waitlist_count = locked.going_count, locked.waitlist_count
    return meeting


def record_attendance(*, actor, meeting: Meeting, user, attended: bool) -> Rsvp | None:
    """Tick someone in at the door, or undo it. A walk-in member is recorded as
    present without taking a place, so an undone mistaken tap changes nothing."""
    _require(
        actor, "meeting.take_attendance", meeting, "Only the meeting's organisers can do that."
    )
    if not permissions.can(user, "meeting.attend", meeting):
        raise MeetingError(
            _("Only members of the community and the meeting's presenters can be marked present.")
        )
    with transaction.atomic():
        row = Rsvp.objects.filter(meeting=meeting, user=user).first()
        if row is None:
            if not attended:
                return None
            row = Rsvp(meeting=meeting, user=user, answer=Rsvp.Answer.YES, place=Rsvp.Place.NONE)
        newly_present = attended and row.attended is not True
        row.attended = attended
        row.save()
    if newly_present:
        transaction.on_commit(
            lambda: attendance_recorded.send(sender=Meeting, meeting=meeting, user=user)
        )
    return row


# --- Materials ----------------------------------------------------------------------


def material_type(name: str, head: bytes) -> str:
    """The content type to store and serve, or MeetingError if not allowed."""
    content_type, refusal = files.content_type_or_refusal(
        name, head, type_refused=_("Files of that type cannot be shared here.")
    )
    if refusal:
        raise MeetingError(refusal)
    return content_type


def upload_material(*, actor, meeting: Meeting, uploaded_file, agenda_item=None) -> Material:
    _require(
        actor,
        "meeting.upload_material",
        meeting,
        _("Only the meeting's organisers and presenters can share materials."),
    )
    limit = settings.COPSE_UPLOAD_MAX_BYTES
    if uploaded_file.size > limit:
        raise MeetingError(
            _("That file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": formats.number_format(uploaded_file.size / 1_000_000, 1),
                "limit": formats.number_format(limit / 1_000_000, 0),
            }
        )
    if uploaded_file.size == 0:
        raise MeetingError(_("That file is empty."))
    uploaded_file.seek(0)
    head = uploaded_file.read(512)
    uploaded_file.seek(0)
    content_type = material_type(uploaded_file.name, head)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MeetingError(_("That agenda item belongs to another meeting."))
    original = Path(uploaded_file.name).name[:200]
    # The file is written before its row: if the row or the commit fails
    # (a full disk often refuses only the commit), the file goes too.
    with files_removed_on_failure(), transaction.atomic():
        material = Material(
            meeting=meeting,
            agenda_item=agenda_item,
            uploaded_by=actor,
            original_name=original,
            content_type=content_type,
            size=uploaded_file.size,
        )
        # A random stored name: the original name is only ever a download name.
        import secrets

        material.file.save(
            f"{secrets.token_hex(16)}{Path(original).suffix.lower()}", uploaded_file, save=False
        )
        material.save()
        record(
            actor=actor,
            action="meeting.material_uploaded",
            community=meeting.community,
            meeting_id=meeting.pk,
            material_id=material.pk,
        )
    return material


def remove_material(*, actor, material: Material) -> None:
    _require(
        actor, "material.remove", material, _("Only the uploader or an organiser can remove it.")
    )
    storage, name = material.file.storage, material.file.name
    meeting = material.meeting
    material.delete()
    transaction.on_commit(lambda: storage.delete(name))
    record(
        actor=actor,
        action="meeting.material_removed",
        community=meeting.community,
        meeting_id=meeting.pk,
    )


# --- Summary, action items, feedback -----------------------------------------------------


def save_summary_draft(*, actor, meeting: Meeting, markdown: str) -> Meeting:
    _require(
        actor, "meeting.manage", meeting, "Only the meeting's organisers can write the summary."
    )
    if meeting.summary_is_published:
        raise MeetingError(_("The summary is published; it can no longer be changed here."))
    meeting.summary_markdown = markdown
    meeting.summary_html = render_markdown(markdown)
    meeting.save(update_fields=["summary_markdown", "summary_html", "updated_at"])
    return meeting


def comment_on_summary(*, actor, meeting: Meeting, body: str) -> SummaryComment:
    _require(
        actor,
        "meeting.comment_summary",
        meeting,
        _("Comments are open to members while the summary is a draft."),
    )
    body = body.strip()
    if not body:
        raise MeetingError(_("Write a comment first."))
    return SummaryComment.objects.create(
        meeting=meeting, author=actor, body=body, body_html=render_markdown(body)
    )


def publish_summary(*, actor, meeting: Meeting) -> Meeting:
    """Publishing makes the meeting record (whoever listens to
    `summary_published` files it: the library) and marks its topics covered."""
    _require(actor, "meeting.manage", meeting, _("Only the meeting's organisers can publish it."))
    if not meeting.summary_markdown.strip():
        raise MeetingError(_("Write the summary before publishing it."))
    if meeting.summary_is_published:
        return meeting
    if meeting.starts_at > timezone.now():
        # A record of what was said cannot come before the meeting: it would
        # also mark the agenda's topics covered before anyone covered them.
        raise MeetingError(
            _(
                "The meeting has not started yet: save the summary as a draft, and publish it "
                "as the meeting record once the meeting has started."
            )
        )
    from copse.topics.services import mark_covered

    with transaction.atomic():
        meeting.summary_published_at = timezone.now()
        meeting.summary_html = render_markdown(meeting.summary_markdown)
        meeting.save(update_fields=["summary_published_at", "summary_html", "updated_at"])
        topics = [item.topic for item in meeting.agenda_items.select_related("topic") if item.topic]
        if topics:
            mark_covered(topics=topics)
        record(
            actor=actor,
            action="meeting.summary_published",
            community=meeting.community,
            meeting_id=meeting.pk,
        )
        summary_published.send(sender=Meeting, meeting=meeting, actor=actor, change_note="")
    return meeting


def revise_summary(*, actor, meeting: Meeting, markdown: str, change_note: str) -> Meeting:
    """Correct a published record. The record keeps what it said before: the
    library adds a version with the note, and members see what changed."""
    _require(actor, "meeting.manage", meeting, _("Only the meeting's organisers can change it."))
    if not meeting.summary_is_published:
        raise MeetingError(_("The summary is still a draft: save the draft instead."))
    change_note = " ".join((change_note or "").split())[:300]
    if not markdown.strip():
        raise MeetingError(_("A published record cannot be emptied. Write what it should say."))
    if not change_note:
        raise MeetingError(_("Say in a few words what you changed, for those who read it before."))
    if markdown == meeting.summary_markdown:
        raise MeetingError(_("Nothing changed: edit the text before saving."))
    with transaction.atomic():
        meeting.summary_markdown = markdown
        meeting.summary_html = render_markdown(markdown)
        meeting.save(update_fields=["summary_markdown", "summary_html", "updated_at"])
        record(
            actor=actor,
            action="meeting.summary_revised",
            community=meeting.community,
            meeting_id=meeting.pk,
        )
        summary_published.send(
            sender=Meeting, meeting=meeting, actor=actor, change_note=change_note
        )
    return meeting


def add_action_item(*, actor, meeting: Meeting, text: str, owner=None, due_on=None) -> ActionItem:
    _require(
        actor, "meeting.manage", meeting, "Only the meeting's organisers can add action items."
    )
    if owner is not None and not permissions.standing(owner, meeting.community).is_seated:
        raise MeetingError(_("The owner must be a member of the community."))
    return ActionItem.objects.create(
        meeting=meeting, text=text.strip()[:300], owner=owner, due_on=due_on, created_by=actor
    )


def set_action_item_done(*, actor, item: ActionItem, done: bool) -> ActionItem:
    meeting = item.meeting
    if not (
        permissions.can(actor, "meeting.manage", meeting)
        or (item.owner_id == actor.pk and permissions.can(actor, "meeting.view_whole", meeting))
    ):
        raise NotAllowed(_("Only the owner or the meeting's organisers can do that."))
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    return item


def give_feedback(
    *, actor, item: AgendaItem, usefulness: int, comment: str
) -> PresentationFeedback:
    _require(
        actor,
        "meeting.give_feedback",
        item.meeting,
        _("Members can give feedback once the meeting has started."),
    )
    if item.presenter_id == actor.pk:
        raise MeetingError(_("You cannot give feedback on your own presentation."))
    if usefulness not in (1, 2, 3, 4, 5):
        raise MeetingError(_("Choose how useful it was."))
    feedback, _created = PresentationFeedback.objects.update_or_create(
        agenda_item=item,
        author=actor,
        defaults={"usefulness": usefulness, "comment": comment.strip()[:2000]},
    )
    return feedback


def share_feedback(*, actor, item: AgendaItem, shared: bool) -> AgendaItem:
    """Share the feedback on a presentation with its presenter, or stop
    sharing it. The presenter sees how useful people found it and what they
    wrote, never who wrote it."""
    _require(
        actor,
        "meeting.share_feedback",
        item.meeting,
        _("Only the community's facilitators can share feedback."),
    )
    if item.presenter_id is None:
        raise MeetingError(_("This agenda item has no presenter to share the feedback with."))
    if bool(item.feedback_shared_at) == shared:
        return item
    item.feedback_shared_at = timezone.now() if shared else None
    with transaction.atomic():
        item.save(update_fields=["feedback_shared_at"])
        record(
            actor=actor,
            action="meeting.feedback_shared" if shared else "meeting.feedback_unshared",
            community=item.meeting.community,
            subject=item.presenter,
            meeting_id=item.meeting_id,
            agenda_item_id=item.pk,
        )
        if shared:
            item_id, actor_id = item.pk, actor.pk
            transaction.on_commit(lambda: tasks.tell_presenter.enqueue(item_id, actor_id))
        else:
            from copse.notifications.services import withdraw

            withdraw(kind="feedback_shared", target=item)
    return item
