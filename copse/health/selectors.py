"""What the health pages show. The facilitators' page (`health_report`)
has figures per person; the members' page (`progress_report`) has only the
community's totals. Each runs a fixed number of grouped queries (one
`values().annotate()` per kind of activity) whatever the number of members,
posts or meetings.

Activity counts only in the community the page is about, and only what is
still there: removed posts and library items do not count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Least, TruncMonth, TruncWeek
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from copse.core import charts, permissions
from copse.health import network
from copse.health.figures import percentile
from copse.health.models import HealthSettings, Nudge
from copse.memberships.models import Membership, seated_q

# The oldest unanswered asks shown; the rest are counted.
UNANSWERED_SHOWN = 20
# The attendance trend looks at this many meetings held, newest last.
TREND_MEETINGS = 12
# The most recent nudges in the log.
NUDGE_LOG_SHOWN = 20


def since_for(days: int, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=days)


def settings_for(community) -> HealthSettings:
    """The community's health settings, or the defaults (unsaved) until a
    facilitator saves some: reading a page writes nothing."""
    found = HealthSettings.objects.filter(community=community).first()
    return found or HealthSettings(community=community)


def seated_membership(community, user_id: int) -> Membership:
    """The seat of person `user_id` in `community`, or 404: a nudge goes only
    to someone who sits there now."""
    membership = (
        Membership.objects.filter(community=community, user_id=user_id, user__is_active=True)
        .filter(seated_q())
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def nudge_for(viewer, community, nudge_id: int) -> Nudge:
    """A nudge its reader may read (`nudge.read`), or 404."""
    nudge = (
        Nudge.objects.filter(pk=nudge_id, community=community)
        .select_related("community", "member", "sent_by")
        .first()
    )
    if nudge is None:
        raise Http404
    permissions.require_or_404(viewer, "nudge.read", nudge)
    return nudge


# --- Participation ------------------------------------------------------------------


@dataclass
class Participation:
    """One seated person's activity over the period, and when they last took
    part at all (a post, an answer to a meeting, or being there)."""

    membership: Membership
    posts: int = 0
    asks: int = 0
    replies: int = 0
    helpful_given: int = 0
    helpful_received: int = 0
    answers: int = 0
    attended: int = 0
    topics: int = 0
    votes: int = 0
    items_added: int = 0
    reuses_made: int = 0
    reuses_of_theirs: int = 0
    last_post_at: datetime | None = None
    last_meeting_at: datetime | None = None

    @property
    def user(self):
        return self.membership.user

    @property
    def last_active_at(self) -> datetime | None:
        moments = [m for m in (self.last_post_at, self.last_meeting_at) if m is not None]
        return max(moments) if moments else None


def _counts(rows, key: str, column: str = "n") -> dict:
    return {row[key]: row[column] for row in rows if row[key] is not None}


def participation(community, since: datetime, now: datetime) -> list[Participation]:
    """Every seated person (members, facilitators, delegates) with their
    figures, by name. Ten queries, each one GROUP BY person."""
    from copse.conversations.models import Post
    from copse.library.models import LibraryItem, Reuse
    from copse.meetings.models import Meeting, Rsvp
    from copse.topics.models import Topic, TopicVote

    seats = list(
        Membership.objects.filter(community=community)
        .filter(seated_q())
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    rows = {seat.user_id: Participation(membership=seat) for seat in seats}
    in_period = Q(created_at__gte=since)

    posts = (
        Post.objects.filter(community=community, removed_at__isnull=True, author__isnull=False)
        .values("author_id")
        .order_by()
        .annotate(
            last=Max("created_at"),
            posts=Count("pk", filter=in_period),
            replies=Count("pk", filter=in_period & Q(position__gt=0)),
            asks=Count("pk", filter=in_period & Q(position=0, thread__kind="ask")),
        )
    )
    for row in posts:
        person = rows.get(row["author_id"])
        if person is not None:
            person.last_post_at = row["last"]
            person.posts, person.replies, person.asks = row["posts"], row["replies"], row["asks"]

    helpful = Post.objects.filter(
        community=community, helpful=True, removed_at__isnull=True, helpful_at__gte=since
    ).order_by()
    received = _counts(helpful.values("author_id").annotate(n=Count("pk")), "author_id")
    given = _counts(
        helpful.values("thread__author_id").annotate(n=Count("pk")), "thread__author_id"
    )

    # An answer counts from when it was given, or from the meeting if that was
    # earlier: answers to past meetings are saved again when attendance is
    # taken, which moves `answered_at` to after the meeting.
    rsvps = (
        Rsvp.objects.filter(meeting__community=community)
        .values("user_id")
        .order_by()
        .annotate(
            last=Max(Least("answered_at", "meeting__starts_at")),
            answers=Count("pk", filter=Q(meeting__starts_at__gte=since)),
            attended=Count(
                "pk",
                filter=Q(
                    attended=True,
                    meeting__starts_at__gte=since,
                    meeting__starts_at__lte=now,
                    meeting__status=Meeting.Status.SCHEDULED,
                ),
            ),
        )
    )
    for row in rsvps:
        person = rows.get(row["user_id"])
        if person is not None:
            person.last_meeting_at = row["last"]
            person.answers, person.attended = row["answers"], row["attended"]

    topics = _counts(
        Topic.objects.filter(community=community, created_at__gte=since)
        .values("proposed_by_id")
        .order_by()
        .annotate(n=Count("pk")),
        "proposed_by_id",
    )
    votes = _counts(
        TopicVote.objects.filter(topic__community=community, created_at__gte=since)
        .values("user_id")
        .order_by()
        .annotate(n=Count("pk")),
        "user_id",
    )
    # Meeting records are filed by publishing a summary, not added by hand.
    added = _counts(
        LibraryItem.objects.filter(
            community=community, created_at__gte=since, removed_at__isnull=True
        )
        .exclude(kind=LibraryItem.Kind.MEETING_RECORD)
        .values("created_by_id")
        .order_by()
        .annotate(n=Count("pk")),
        "created_by_id",
    )
    reuses = Reuse.objects.filter(
        item__community=community, item__removed_at__isnull=True, created_at__gte=since
    ).order_by()
    made = _counts(reuses.values("person_id").annotate(n=Count("pk")), "person_id")
    # Re-uses of items a person is credited for (an item may credit several).
    of_theirs = _counts(
        reuses.values("item__authors__person_id").annotate(n=Count("pk", distinct=True)),
        "item__authors__person_id",
    )

    for user_id, person in rows.items():
        person.helpful_received = received.get(user_id, 0)
        person.helpful_given = given.get(user_id, 0)
        person.topics = topics.get(user_id, 0)
        person.votes = votes.get(user_id, 0)
        person.items_added = added.get(user_id, 0)
        person.reuses_made = made.get(user_id, 0)
        person.reuses_of_theirs = of_theirs.get(user_id, 0)
    return list(rows.values())


# --- Quiet members and nudges -------------------------------------------------------


@dataclass
class QuietMember:
    """A seated, active person with no post, answer or attendance for the
    community's quiet period (counted from their joining if they never took
    part), and whether a nudge may go to them now."""

    person: Participation
    quiet_since: datetime
    last_nudged_at: datetime | None
    nudge_again_at: datetime | None

    @property
    def user(self):
        return self.person.user

    @property
    def may_nudge(self) -> bool:
        return self.nudge_again_at is None


def quiet_members(
    people: list[Participation], community, quiet_weeks: int, viewer, now: datetime
) -> list[QuietMember]:
    """Quietest first. One query: the last nudge to each person. Members on
    leave are not quiet (they said they are away), nor is the viewer."""
    threshold = now - timedelta(weeks=quiet_weeks)
    last_nudged = dict(
        Nudge.objects.filter(community=community)
        .values("member_id")
        .order_by()
        .annotate(last=Max("sent_at"))
        .values_list("member_id", "last")
    )
    quiet = []
    for person in people:
        membership = person.membership
        if membership.status != Membership.Status.ACTIVE or membership.user_id == viewer.pk:
            continue
        since = person.last_active_at or membership.joined_at
        if since >= threshold:
            continue
        nudged = last_nudged.get(membership.user_id)
        again = nudged + timedelta(weeks=quiet_weeks) if nudged is not None else None
        quiet.append(
            QuietMember(
                person=person,
                quiet_since=since,
                last_nudged_at=nudged,
                nudge_again_at=again if again is not None and again > now else None,
            )
        )
    quiet.sort(key=lambda q: (q.quiet_since, q.user.name.lower()))
    return quiet


def nudge_log(community) -> list[Nudge]:
    """The latest nudges, without their words: who, to whom, when."""
    return list(
        Nudge.objects.filter(community=community)
        .select_related("member", "sent_by")
        .defer("body")
        .order_by("-sent_at", "-pk")[:NUDGE_LOG_SHOWN]
    )


# --- Asks ---------------------------------------------------------------------------


@dataclass
class Timing:
    """Median and 90th percentile of a waiting time, over `count` asks."""

    count: int = 0
    median: timedelta | None = None
    p90: timedelta | None = None


def _timing(spans: list[float]) -> Timing:
    if not spans:
        return Timing()
    return Timing(
        count=len(spans),
        median=timedelta(seconds=percentile(spans, 0.5)),
        p90=timedelta(seconds=percentile(spans, 0.9)),
    )


@dataclass
class AskFigures:
    started: int = 0
    answered: int = 0
    first_reply: Timing = field(default_factory=Timing)
    first_helpful: Timing = field(default_factory=Timing)
    unanswered: list = field(default_factory=list)
    unanswered_count: int = 0

    @property
    def answered_percent(self) -> int | None:
        if not self.started:
            return None
        return round(100 * self.answered / self.started)


def ask_timings(community, since: datetime) -> AskFigures:
    """The asks started in the period: how many had a reply from someone
    other than the asker, and how long the first such reply and the first
    reply the asker marked helpful took. One query (the first times per ask);
    the percentiles are worked out here."""
    from copse.conversations.models import Thread

    rows = (
        Thread.objects.filter(
            community=community,
            kind=Thread.Kind.ASK,
            removed_at__isnull=True,
            created_at__gte=since,
        )
        .order_by()
        .annotate(
            first_reply=Min(
                "posts__created_at",
                filter=Q(posts__position__gt=0, posts__removed_at__isnull=True)
                & ~Q(posts__author_id=F("author_id")),
            ),
            first_helpful=Min(
                "posts__helpful_at",
                filter=Q(posts__helpful=True, posts__removed_at__isnull=True),
            ),
        )
        .values_list("created_at", "first_reply", "first_helpful")
    )
    replies, helpful = [], []
    started = 0
    for asked, first_reply, first_helpful in rows:
        started += 1
        if first_reply is not None:
            replies.append(max(0.0, (first_reply - asked).total_seconds()))
        if first_helpful is not None:
            helpful.append(max(0.0, (first_helpful - asked).total_seconds()))
    return AskFigures(
        started=started,
        answered=len(replies),
        first_reply=_timing(replies),
        first_helpful=_timing(helpful),
    )


def unanswered_asks(community) -> tuple[list, int]:
    """Open asks nobody has replied to, oldest first, and how many there are."""
    from copse.conversations.models import Thread

    waiting = Thread.objects.filter(
        community=community,
        kind=Thread.Kind.ASK,
        ask_state=Thread.AskState.OPEN,
        removed_at__isnull=True,
        reply_count=0,
    )
    shown = list(
        waiting.select_related("community", "author").order_by("created_at", "pk")[
            :UNANSWERED_SHOWN
        ]
    )
    return shown, waiting.count()


# --- Attendance -------------------------------------------------------------------


@dataclass
class HeldMeeting:
    meeting: object
    label: str
    going: int
    came: int
    recorded: bool

    @property
    def rate(self) -> int | None:
        """Of those who had a place, the share who came, in percent."""
        if not self.recorded or not self.going:
            return None
        return round(100 * min(self.came, self.going) / self.going)


def _held_meetings(community, now: datetime):
    from copse.meetings.models import Meeting

    # Side meetings are members' own, not the community's: not in its trend.
    return Meeting.objects.filter(
        community=community, status=Meeting.Status.SCHEDULED, starts_at__lte=now
    ).exclude(kind=Meeting.Kind.SIDE)


def recent_meetings(community, now: datetime) -> list[HeldMeeting]:
    """The last TREND_MEETINGS meetings held, oldest first, with how many had
    a place and how many came. One query."""
    rows = list(
        _held_meetings(community, now)
        .select_related("community")
        .order_by("-starts_at", "-pk")
        .annotate(
            going=Count("rsvps", filter=Q(rsvps__place="going")),
            came=Count("rsvps", filter=Q(rsvps__attended=True)),
            recorded=Count("rsvps", filter=Q(rsvps__attended__isnull=False)),
        )[:TREND_MEETINGS]
    )
    rows.reverse()
    held, seen = [], {}
    for meeting in rows:
        label = formats.date_format(timezone.localtime(meeting.starts_at), "j M Y")
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        held.append(
            HeldMeeting(
                meeting=meeting,
                label=label,
                going=meeting.going,
                came=meeting.came,
                recorded=meeting.recorded > 0,
            )
        )
    return held


def attendance_chart(held: list[HeldMeeting]) -> charts.Chart:
    return charts.line_chart(
        _("Places taken and people who came, at the last meetings held"),
        [m.label for m in held],
        [
            (_("Had a place"), [m.going for m in held]),
            (_("Came"), [m.came if m.recorded else None for m in held]),
        ],
    )


def attendance_by_member(people: list[Participation], held: list[HeldMeeting]) -> list[tuple]:
    """(person, [True / False / None per meeting]): True came, False did not
    (attendance was taken and they were not marked present), None where no
    attendance was taken. One query."""
    from copse.meetings.models import Rsvp

    came = set(
        Rsvp.objects.filter(meeting_id__in=[m.meeting.pk for m in held], attended=True)
        .values_list("meeting_id", "user_id")
        .order_by()
    )
    return [
        (
            person,
            [
                ((m.meeting.pk, person.membership.user_id) in came) if m.recorded else None
                for m in held
            ],
        )
        for person in people
    ]


# --- Norms --------------------------------------------------------------------------


def norms_acceptance(community, people: list[Participation]) -> dict:
    """Who has accepted the current norms, with when; who has not. One query."""
    from copse.norms.models import NormsAcceptance

    version = community.norms_version
    accepted_at = dict(
        NormsAcceptance.objects.filter(version__community=community, version__number=version)
        .values_list("user_id", "accepted_at")
        .order_by()
    )
    accepted, waiting = [], []
    for person in people:
        if version and person.membership.norms_accepted >= version:
            accepted.append((person, accepted_at.get(person.membership.user_id)))
        else:
            waiting.append(person)
    return {"version": version, "accepted": accepted, "waiting": waiting}


# --- The pages ----------------------------------------------------------------------


@dataclass
class HealthReport:
    community: object
    days: int
    since: datetime
    settings: HealthSettings
    people: list[Participation]
    quiet: list[QuietMember]
    nudges: list[Nudge]
    asks: AskFigures
    meetings: list[HeldMeeting]
    attendance: charts.Chart
    attendance_rows: list[tuple]
    norms: dict
    network: object

    @property
    def size_band(self):
        return self.community.size_band


def health_report(viewer, community, *, days: int) -> HealthReport:
    """The facilitators' page. The caller has checked `community.view_health`."""
    now = timezone.now()
    since = since_for(days, now)
    settings = settings_for(community)
    people = participation(community, since, now)
    asks = ask_timings(community, since)
    asks.unanswered, asks.unanswered_count = unanswered_asks(community)
    held = recent_meetings(community, now)
    return HealthReport(
        community=community,
        days=days,
        since=since,
        settings=settings,
        people=people,
        quiet=quiet_members(people, community, settings.quiet_weeks, viewer, now),
        nudges=nudge_log(community),
        asks=asks,
        meetings=held,
        attendance=attendance_chart(held),
        attendance_rows=attendance_by_member(people, held),
        norms=norms_acceptance(community, people),
        network=network.reply_network(community, since),
    )


@dataclass
class ProgressReport:
    """The community's totals for the period: never a person."""

    community: object
    days: int
    since: datetime
    posts: int
    activity: charts.Chart
    asks: AskFigures
    meetings_held: int
    places: int
    came: int
    attendance: charts.Chart
    members: int
    norms_version: int
    norms_accepted: int
    seated: int
    network: object

    @property
    def attendance_percent(self) -> int | None:
        if not self.places:
            return None
        return round(100 * min(self.came, self.places) / self.places)

    @property
    def size_band(self):
        return self.community.size_band


def _buckets(since: datetime, now: datetime, monthly: bool) -> list:
    """The first day of each week (Monday) or month from `since` to `now`."""
    first = timezone.localtime(since).date()
    last = timezone.localtime(now).date()
    if monthly:
        day = first.replace(day=1)
        out = []
        while day <= last:
            out.append(day)
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out
    day = first - timedelta(days=first.weekday())
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(weeks=1)
    return out


def activity_chart(
    community, since: datetime, now: datetime, days: int
) -> tuple[int, charts.Chart]:
    """Posts per week (per month over a year), and their total. One query."""
    from copse.conversations.models import Post

    monthly = days > 90
    trunc = TruncMonth if monthly else TruncWeek
    counted = {
        row["bucket"].date() if isinstance(row["bucket"], datetime) else row["bucket"]: row["n"]
        for row in Post.objects.filter(
            community=community, removed_at__isnull=True, created_at__gte=since
        )
        .annotate(bucket=trunc("created_at"))
        .values("bucket")
        .order_by()
        .annotate(n=Count("pk"))
    }
    buckets = _buckets(since, now, monthly)

    def label(day) -> str:
        if monthly:
            return formats.date_format(day, "M Y")
        return _("week of %(day)s") % {"day": formats.date_format(day, "j M")}

    chart = charts.bar_chart(
        _("Posts per month") if monthly else _("Posts per week"),
        [label(day) for day in buckets],
        [(_("Posts"), [counted.get(day, 0) for day in buckets])],
    )
    return sum(counted.values()), chart


def progress_report(viewer, community, *, days: int) -> ProgressReport:
    """The members' page. The caller has checked `community.view_progress`."""
    now = timezone.now()
    since = since_for(days, now)
    posts, activity = activity_chart(community, since, now, days)
    period = (
        _held_meetings(community, now)
        .filter(starts_at__gte=since)
        .aggregate(
            held=Count("pk", distinct=True),
            places=Count("rsvps", filter=Q(rsvps__place="going", rsvps__attended__isnull=False)),
            came=Count("rsvps", filter=Q(rsvps__attended=True)),
        )
    )
    held = recent_meetings(community, now)
    version = community.norms_version
    seats = (
        Membership.objects.filter(community=community)
        .filter(seated_q())
        .aggregate(
            seated=Count("pk"),
            accepted=Count("pk", filter=Q(norms_accepted__gte=max(version, 1))),
        )
    )
    return ProgressReport(
        community=community,
        days=days,
        since=since,
        posts=posts,
        activity=activity,
        asks=ask_timings(community, since),
        meetings_held=period["held"],
        places=period["places"],
        came=period["came"],
        attendance=charts.line_chart(
            _("Share of places taken that came, at the last meetings held"),
            [m.label for m in held],
            [(_("Came"), [m.rate for m in held])],
            unit="%",
            percent=True,
        ),
        members=community.member_count,
        norms_version=version,
        norms_accepted=seats["accepted"],
        seated=seats["seated"],
        network=network.reply_network(community, since),
    )
