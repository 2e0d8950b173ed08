"""Date polls: finding a time together, which then creates or moves a meeting.

Someone proposes a few times (a date and a clock time in a zone they name,
usually their own) for a meeting, a side meeting, a new series or moving a
meeting. Members and delegates answer yes, if need be or no for each time and
may change their answers while the poll is open. The proposer or a
facilitator picks a time, and the meetings app does the rest through its own
services (`meetings.services.create_meeting`, `create_series`,
`update_meeting`): its permission checks, its reminders, and telling those
who said they would come when a meeting moves.

Times are stored in UTC. A wall-clock time is placed in its zone by
`local_to_utc`: a time the clocks skip (spring forward) is refused, and a
time the clocks pass twice (fall back) is the first of the two, the one
still on summer time (`fold=0`), as the meetings app places a series'
occurrences.

Writes lock the poll row, so an answer saved while the time is being picked
either lands before the pick or is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from copse.audit.services import record
from copse.core import cursors, permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.decisions import tasks
from copse.decisions.models import DateAnswer, DateOption, DatePoll
from copse.decisions.titles import clean_title
from copse.decisions.voters import poll_voters
from copse.meetings import recurrence
from copse.meetings import services as meetings
from copse.meetings.models import Format, Meeting

MIN_OPTIONS = 2
MAX_OPTIONS = 10
MIN_MINUTES = 15
# The meetings app allows three days; a poll's times are for one sitting.
MAX_MINUTES = 24 * 60
PAGE_SIZE = 20

ANSWERS = DateAnswer.Answer
# Said on the page beside the highlighted time.
BEST_RULE = gettext_lazy(
    "The best time is the one with the most “yes” answers; "
    "between equals, the most “if need be”; then the earliest."
)


class PollError(UserFacingError):
    title = gettext_lazy("The date poll could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


# --- Time zones -------------------------------------------------------------------


class NonexistentTime(PollError):
    """A wall-clock time that does not happen in its zone that day."""


def zone_or_error(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise PollError(f"{name!r} is not a time zone we know.") from exc


def _when(day: dt.date, clock: dt.time) -> str:
    """ "18:00 on 5 November 2026", in the reader's language."""
    return gettext("%(time)s on %(day)s") % {
        "time": f"{clock:%H:%M}",
        "day": date_format(day, "j F Y"),
    }


def local_to_utc(day: dt.date, clock: dt.time, zone_name: str) -> dt.datetime:
    """The UTC instant of `clock` on `day` in `zone_name`.

    Refuses a time the clocks skip that night (it has no instant). A time the
    clocks pass twice is its first occurrence (`fold=0`: before the clocks go
    back), the same choice `meetings.recurrence` makes for a series."""
    zone = zone_or_error(zone_name)
    naive = dt.datetime.combine(day, clock.replace(second=0, microsecond=0, tzinfo=None))
    aware = naive.replace(tzinfo=zone, fold=0)
    instant = aware.astimezone(dt.UTC)
    # A skipped time does not come back unchanged from UTC.
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        raise NonexistentTime(
            gettext(
                "%(when)s does not exist in %(zone)s: the clocks go forward that night. "
                "Choose another time."
            )
            % {"when": _when(day, clock), "zone": zone_name.replace("_", " ")}
        )
    return instant


def is_ambiguous(day: dt.date, clock: dt.time, zone_name: str) -> bool:
    """Whether the clocks pass `clock` twice on `day` in `zone_name`."""
    zone = ZoneInfo(zone_name)
    naive = dt.datetime.combine(day, clock)
    return (
        naive.replace(tzinfo=zone, fold=0).utcoffset()
        != naive.replace(tzinfo=zone, fold=1).utcoffset()
    )


def in_zone(instant: dt.datetime, zone_name: str | None) -> dt.datetime:
    """`instant` on the clocks of `zone_name` (UTC for an unknown zone)."""
    try:
        zone = ZoneInfo(zone_name or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return instant.astimezone(zone)


def week_of_month(day: dt.date) -> int:
    """Which of its weekday `day` is in its month, as a series rule counts it:
    1 to 4, or -1 for a fifth (the last), which not every month has."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth > 4 else nth


WEEKDAY_CODES = list(recurrence.WEEKDAYS)  # Monday first, as date.weekday()


# --- The best time ----------------------------------------------------------------


@dataclass
class Counts:
    yes: int = 0
    if_need_be: int = 0
    no: int = 0

    def add(self, answer: str) -> None:
        if answer == ANSWERS.YES:
            self.yes += 1
        elif answer == ANSWERS.IF_NEED_BE:
            self.if_need_be += 1
        elif answer == ANSWERS.NO:
            self.no += 1


def best_option(options: list[tuple[dt.datetime, Counts]]) -> int | None:
    """The index of the best of `options` (start, counts) by `BEST_RULE`, or
    None when nobody can come to any (no yes and no if need be anywhere)."""
    best = None
    for index, (starts_at, counts) in enumerate(options):
        if counts.yes == 0 and counts.if_need_be == 0:
            continue
        key = (-counts.yes, -counts.if_need_be, starts_at)
        if best is None or key < best[0]:
            best = (key, index)
    return best[1] if best else None


# --- Who answers --------------------------------------------------------------------


# --- Writes -------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    return clean_title(
        title, error=PollError, empty=gettext("Give the poll a title: what the meeting is for.")
    )


def _meeting_to_move(actor, community, meeting) -> Meeting:
    if meeting is None:
        raise PollError(gettext("Choose the meeting the new time is for."))
    if meeting.community_id != community.pk or not permissions.can(actor, "meeting.view", meeting):
        raise PollError(gettext("Choose one of this community's meetings."))
    if meeting.is_cancelled:
        raise PollError(
            gettext("That meeting was cancelled. Propose times for a new meeting instead.")
        )
    if meeting.ends_at <= timezone.now():
        raise PollError(gettext("That meeting is over. Propose times for a new meeting instead."))
    return meeting


def _option_times(
    times: list[tuple[dt.date, dt.time]], zone_name: str, now: dt.datetime
) -> list[dt.datetime]:
    instants = []
    for day, clock in times:
        instant = local_to_utc(day, clock, zone_name)
        if instant <= now:
            raise PollError(
                gettext("%(when)s has passed. Propose times to come.") % {"when": _when(day, clock)}
            )
        if instant in instants:
            raise PollError(gettext("%(when)s is proposed twice.") % {"when": _when(day, clock)})
        instants.append(instant)
    if len(instants) < MIN_OPTIONS:
        raise PollError(
            gettext("Propose at least %(count)s times, so people have a choice.")
            % {"count": MIN_OPTIONS}
        )
    if len(instants) > MAX_OPTIONS:
        raise PollError(gettext("Propose at most %(count)s times.") % {"count": MAX_OPTIONS})
    return sorted(instants)


def create_poll(
    *,
    actor,
    community,
    title: str,
    details: str = "",
    purpose: str = DatePoll.Purpose.MEETING,
    times: list[tuple[dt.date, dt.time]],
    time_zone: str,
    duration_minutes: int = 90,
    format: str = "",
    cadence: str = "",
    meeting: Meeting | None = None,
) -> DatePoll:
    """Ask the members when they can meet. `times` are wall-clock times in
    `time_zone`. Everyone who may answer is told (`tasks.tell_members_of_poll`)."""
    if not permissions.can(actor, "community.propose_dates", community):
        raise NotAllowed(
            gettext("Only members who accepted the current norms can propose times to meet here.")
        )
    if purpose not in DatePoll.Purpose.values:
        raise PollError(
            gettext("Say what the times are for: a meeting, a side meeting, a series or a move.")
        )
    title = _clean_title(title)
    details = without_control_characters(details or "").strip()
    if len(details) > 4000:
        raise PollError(gettext("Keep the details under 4,000 characters."))
    zone_or_error(time_zone)
    if purpose == DatePoll.Purpose.MOVE:
        meeting = _meeting_to_move(actor, community, meeting)
        format = ""
    else:
        meeting = None
        if format not in Format.values:
            raise PollError(
                gettext("Choose how people meet: in person, online, hybrid or a half day.")
            )
    if purpose == DatePoll.Purpose.SERIES:
        if cadence not in recurrence.CADENCES:
            raise PollError(gettext("Say how often the series meets."))
    else:
        cadence = ""
    if not MIN_MINUTES <= int(duration_minutes) <= MAX_MINUTES:
        raise PollError(
            gettext("A meeting lasts between %(minutes)s minutes and %(hours)s hours.")
            % {"minutes": MIN_MINUTES, "hours": MAX_MINUTES // 60}
        )
    instants = _option_times(times, time_zone, timezone.now())
    with transaction.atomic():
        poll = DatePoll.objects.create(
            community=community,
            proposed_by=actor,
            title=title,
            details=details,
            purpose=purpose,
            duration_minutes=int(duration_minutes),
            time_zone=time_zone,
            format=format,
            cadence=cadence,
            meeting=meeting,
        )
        DateOption.objects.bulk_create(
            [DateOption(poll=poll, starts_at=instant) for instant in instants]
        )
        record(
            actor=actor,
            action="poll.opened",
            community=community,
            poll=poll.pk,
            purpose=purpose,
            options=len(instants),
        )
    pk = poll.pk
    transaction.on_commit(lambda: tasks.tell_members_of_poll.enqueue(pk))
    return poll


def _locked(poll: DatePoll) -> DatePoll:
    """The poll row, locked, with the instance's community kept (its
    standings are cached on the viewer)."""
    fresh = DatePoll.objects.select_for_update().get(pk=poll.pk)
    fresh.community = poll.community
    return fresh


def answer_poll(*, actor, poll: DatePoll, answers: dict[int, str]) -> int:
    """Save `actor`'s answers: option id -> yes / if_need_be / no, or "" to
    take an answer back. Options not named keep what was answered. Returns
    how many answers the person now has on the poll."""
    with transaction.atomic():
        locked = _locked(poll)
        if not permissions.can(actor, "poll.answer", locked):
            if locked.status != DatePoll.Status.OPEN:
                raise NotAllowed(
                    gettext("This poll is closed: the time was chosen or the poll was closed.")
                )
            raise NotAllowed(
                gettext("Only the community's members and their delegates answer date polls.")
            )
        for value in answers.values():
            if value and value not in ANSWERS.values:
                raise PollError(gettext("Answer each time with yes, if need be or no."))
        option_ids = set(locked.options.values_list("pk", flat=True))
        if not set(answers) <= option_ids:
            raise PollError(
                gettext("One of those times is not in this poll any more. Reload the page.")
            )
        mine = {a.option_id: a for a in DateAnswer.objects.filter(option__poll=locked, user=actor)}
        for option_id, value in answers.items():
            existing = mine.get(option_id)
            if not value:
                if existing is not None:
                    existing.delete()
                    del mine[option_id]
            elif existing is None:
                mine[option_id] = DateAnswer.objects.create(
                    option_id=option_id, user=actor, answer=value
                )
            elif existing.answer != value:
                existing.answer = value
                existing.save(update_fields=["answer", "updated_at"])
    return len(mine)


def _series_fields(poll: DatePoll, local: dt.datetime) -> dict:
    day = local.date()
    return {
        "cadence": poll.cadence,
        "nth": week_of_month(day),
        "weekday": WEEKDAY_CODES[day.weekday()],
        "first_date": day,
        "start_time": local.time().replace(tzinfo=None),
    }


def choose_time(*, actor, poll: DatePoll, option_id: int) -> Meeting:
    """Pick the time: the meeting is created (a side meeting, or a series
    with its first meeting at that time) or the named meeting moves, through
    the meetings app's services and so under its rules. Returns the meeting."""
    with transaction.atomic():
        locked = _locked(poll)
        if not permissions.can(actor, "poll.decide", locked):
            if locked.status != DatePoll.Status.OPEN:
                raise NotAllowed(gettext("The time was already chosen, or the poll was closed."))
            raise NotAllowed(
                gettext(
                    "Only a facilitator picks the time of a meeting of the community, a series "
                    "or a move; you may pick the time of a side meeting you proposed."
                )
            )
        option = DateOption.objects.filter(poll=locked, pk=option_id).first()
        if option is None:
            raise PollError(gettext("Choose one of the poll's times."))
        if option.starts_at <= timezone.now():
            raise PollError(gettext("That time has passed. Choose one still to come."))
        starts_at = option.starts_at
        ends_at = starts_at + dt.timedelta(minutes=locked.duration_minutes)
        community = locked.community
        purpose = locked.purpose
        if purpose == DatePoll.Purpose.MOVE:
            if locked.meeting is None:
                raise PollError(gettext("The meeting to move is gone. Close the poll instead."))
            locked.meeting.community = community
            meeting = meetings.update_meeting(
                actor=actor, meeting=locked.meeting, starts_at=starts_at, ends_at=ends_at
            )
        elif purpose == DatePoll.Purpose.SERIES:
            local = in_zone(starts_at, locked.time_zone)
            series = meetings.create_series(
                actor=actor,
                community=community,
                title=locked.title,
                duration_minutes=locked.duration_minutes,
                time_zone=locked.time_zone,
                format=locked.format,
                **_series_fields(locked, local),
            )
            meeting = Meeting.objects.filter(series=series, occurrence_start=starts_at).first()
            if meeting is None:
                # Further ahead than a series keeps on the calendar: put its
                # first months there from the time chosen.
                meetings.generate_meetings(series=series, now=starts_at - dt.timedelta(seconds=1))
                meeting = Meeting.objects.filter(series=series, occurrence_start=starts_at).first()
            if meeting is None:
                # The rule and the chosen date disagree; never leave half a series.
                raise PollError(
                    gettext("That time does not start a series we can repeat. Choose another.")
                )
        else:
            meeting = meetings.create_meeting(
                actor=actor,
                community=community,
                kind=Meeting.Kind.SIDE
                if purpose == DatePoll.Purpose.SIDE_MEETING
                else Meeting.Kind.REGULAR,
                title=locked.title,
                description=locked.details,
                starts_at=starts_at,
                ends_at=ends_at,
                time_zone=locked.time_zone,
                format=locked.format or Format.ONLINE,
            )
        locked.status = DatePoll.Status.DECIDED
        locked.chosen = option
        locked.result_meeting = meeting
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "chosen", "result_meeting", "decided_at"])
        record(
            actor=actor,
            action="poll.decided",
            community=community,
            poll=locked.pk,
            option=option.pk,
            meeting_id=meeting.pk,
        )
    poll.status, poll.chosen, poll.result_meeting = locked.status, option, meeting
    return meeting


def close_poll(*, actor, poll: DatePoll) -> DatePoll:
    """Close without choosing a time (the meeting is not needed after all)."""
    with transaction.atomic():
        locked = _locked(poll)
        if not permissions.can(actor, "poll.close", locked):
            raise NotAllowed(gettext("Only the poll's proposer or a facilitator can close it."))
        locked.status = DatePoll.Status.CLOSED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        record(actor=actor, action="poll.closed", community=locked.community, poll=locked.pk)
    poll.status = locked.status
    return poll


# --- Reads --------------------------------------------------------------------------


def poll_for(viewer, community, poll_id: int, action: str = "poll.read") -> DatePoll:
    """The poll, or 404 when the viewer may not `action` it or it is elsewhere."""
    poll = (
        DatePoll.objects.select_related("proposed_by", "meeting", "chosen", "result_meeting")
        .filter(pk=poll_id, community=community)
        .first()
    )
    if poll is None:
        raise Http404
    poll.community = community  # the instance whose standings are cached
    permissions.require_or_404(viewer, action, poll)
    return poll


@dataclass
class OptionView:
    option: DateOption
    counts: Counts = field(default_factory=Counts)
    is_best: bool = False
    mine: str = ""

    @property
    def pk(self) -> int:
        return self.option.pk

    @property
    def starts_at(self) -> dt.datetime:
        return self.option.starts_at


@dataclass
class PersonRow:
    user: object
    answers: list  # one per option, in order: an answer value or ""
    former: bool = False


@dataclass
class PollView:
    poll: DatePoll
    options: list[OptionView]
    rows: list[PersonRow]
    waiting: list
    best: OptionView | None
    answered_by_me: bool
    rule: str = BEST_RULE


def poll_view(viewer, poll: DatePoll) -> PollView:
    """What the poll page shows, in three queries whatever the number of
    times or people: its options, every answer with its person, and who may
    answer. Only the answers of people who may answer now are counted; a
    former member's stay in the table, marked."""
    options = [OptionView(option=o) for o in poll.options.all()]
    index = {o.pk: i for i, o in enumerate(options)}
    voters = list(
        poll_voters(poll.community).select_related("user").order_by("user__display_name", "user_id")
    )
    voter_ids = {m.user_id for m in voters}
    people: dict[int, PersonRow] = {}
    answers = (
        DateAnswer.objects.filter(option__poll=poll)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )
    viewer_id = getattr(viewer, "pk", None)
    for answer in answers:
        row = people.get(answer.user_id)
        if row is None:
            row = people[answer.user_id] = PersonRow(
                user=answer.user,
                answers=[""] * len(options),
                former=answer.user_id not in voter_ids,
            )
        row.answers[index[answer.option_id]] = answer.answer
        if not row.former:
            options[index[answer.option_id]].counts.add(answer.answer)
        if answer.user_id == viewer_id:
            options[index[answer.option_id]].mine = answer.answer
    best_index = best_option([(o.starts_at, o.counts) for o in options])
    best = options[best_index] if best_index is not None else None
    if best is not None:
        best.is_best = True
    return PollView(
        poll=poll,
        options=options,
        rows=list(people.values()),
        waiting=[m for m in voters if m.user_id not in people],
        best=best,
        answered_by_me=viewer_id in people,
    )


@dataclass
class PollPage:
    rows: list
    next_cursor: str
    state: str


def poll_list(viewer, community, *, state: str = "open", after: str = "") -> PollPage:
    """Open (or past) date polls of a community the viewer may read, newest
    first, a page at a time (keyset). One query for the rows."""
    polls = DatePoll.objects.filter(community=community)
    if state == "past":
        polls = polls.exclude(status=DatePoll.Status.OPEN)
    else:
        state = "open"
        polls = polls.filter(status=DatePoll.Status.OPEN)
    key = cursors.parse(after, cursors.MOMENT, cursors.INT)
    if key is not None:
        at, pk = key
        polls = polls.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    mine = DateAnswer.objects.filter(option__poll=OuterRef("pk"), user_id=viewer.pk or 0)
    rows = list(
        polls.select_related("proposed_by", "chosen", "result_meeting")
        .annotate(
            option_count=Count("options", distinct=True),
            answered=Count("options__answers__user", distinct=True),
            answered_by_me=Exists(mine),
        )
        .order_by("-created_at", "-pk")[: PAGE_SIZE + 1]
    )
    next_cursor = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        next_cursor = f"{last.created_at.isoformat()}|{last.pk}"
    for row in rows:
        row.community = community
    return PollPage(rows=rows, next_cursor=next_cursor, state=state)


# How far ahead a poll may move a meeting from: a series keeps six months.
MOVABLE_AHEAD = dt.timedelta(days=366)


def meetings_to_move(viewer, community):
    """Meetings of the community still to come (within a year) that a poll
    may move. Not sliced: the form looks the chosen one up in it."""
    now = timezone.now()
    return (
        Meeting.objects.filter(
            community=community,
            status=Meeting.Status.SCHEDULED,
            ends_at__gt=now,
            starts_at__lt=now + MOVABLE_AHEAD,
        )
        .filter(permissions.visible_meetings_q(viewer))
        .order_by("starts_at", "pk")
    )
