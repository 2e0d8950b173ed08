"""Reading value stories, prompts and the time put in, always as one viewer
sees them, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import formats, timezone

from copse.core import cursors, permissions
from copse.memberships.models import Membership
from copse.value.models import Cycle, Sharing, TimeEstimate, ValuePrompt, ValueStory

PAGE_SIZE = 20
# How many recent threads, meetings and library items a story form offers.
LINK_CHOICES = 15
# How many pending prompts a page shows at once.
PROMPTS_SHOWN = 3
PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 90


# --- One story -----------------------------------------------------------------


def story_for(viewer, slug: str, story_id: int, action: str = "value_story.read") -> ValueStory:
    """The story, or 404 when the viewer may not `action` it. The community is
    found by its slug without a rule of its own: the story's rule decides
    (its author reads it after leaving, when the community page is closed
    to them)."""
    story = (
        ValueStory.objects.select_related("community", "author")
        .filter(pk=story_id, community__slug=slug)
        .first()
    )
    if story is None:
        raise Http404
    permissions.require_or_404(viewer, action, story)
    return story


@dataclass
class Links:
    """What a story links, as one viewer may open it."""

    threads: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    items: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.threads or self.meetings or self.items)


def links_for(viewer, story: ValueStory) -> Links:
    """The story's links the viewer may read now: each checked again for this
    viewer, since what its author could read when they wrote it (a thread
    since removed or moved, a meeting of a community since left) is not
    what every reader may. Three queries."""
    return Links(
        threads=[
            thread
            for thread in story.threads.select_related("community").order_by("-last_activity_at")
            if permissions.can(viewer, "thread.read", thread)
        ],
        meetings=[
            meeting
            for meeting in story.meetings.select_related("community").order_by("-starts_at")
            if permissions.can(viewer, "meeting.view", meeting)
        ],
        items=[
            item
            for item in story.library_items.select_related("community").order_by("title")
            if permissions.can(viewer, "library_item.read", item)
        ],
    )


# --- Lists and totals --------------------------------------------------------------


def readable_stories(viewer, community):
    return ValueStory.objects.filter(permissions.readable_value_stories_q(viewer, community))


@dataclass
class StoryPage:
    rows: list
    next_cursor: str
    cycle: str


def stories_page(viewer, community, *, cycle: str = "", after: str = "") -> StoryPage:
    """The stories the viewer may read, newest first, a page at a time (keyset)."""
    stories = readable_stories(viewer, community)
    if cycle in Cycle.values:
        stories = stories.filter(cycle=cycle)
    else:
        cycle = ""
    key = cursors.parse(after, cursors.MOMENT, cursors.INT)
    if key is not None:
        at, pk = key
        stories = stories.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(stories.select_related("author").order_by("-created_at", "-pk")[: PAGE_SIZE + 1])
    for row in rows:
        row.community = community  # its link needs the slug: no query a row
    next_cursor = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        next_cursor = f"{last.created_at.isoformat()}|{last.pk}"
    return StoryPage(rows=rows, next_cursor=next_cursor, cycle=cycle)


@dataclass
class Totals:
    """What a set of stories adds up to: money by currency (never added
    across currencies), hours, and how many stories told them."""

    stories: int = 0
    hours: Decimal = Decimal(0)
    money: list = field(default_factory=list)  # [(currency, amount)], largest first

    @property
    def has_amounts(self) -> bool:
        return bool(self.hours or self.money)


def totals_of(stories) -> Totals:
    """Two queries, whatever the number of stories."""
    counted = stories.aggregate(stories=Count("pk"), hours=Sum("hours_saved"))
    money = list(
        stories.filter(money_saved__isnull=False)
        .values("currency")
        .annotate(amount=Sum("money_saved"))
        .order_by("-amount", "currency")
        .values_list("currency", "amount")
    )
    return Totals(
        stories=counted["stories"] or 0, hours=counted["hours"] or Decimal(0), money=money
    )


def community_totals(viewer, community) -> tuple[Totals, bool]:
    """The community's totals as the viewer may see them, and whether they
    include private stories: every story for its facilitators (who read
    them all), the stories shared with the community for everyone else, so
    no figure of a private story reaches another member."""
    stories = ValueStory.objects.filter(community=community, removed_at__isnull=True)
    everything = permissions.standing(viewer, community).is_facilitator
    if not everything:
        stories = stories.exclude(sharing=Sharing.PRIVATE)
    return totals_of(stories), everything


# --- The story form's choices ----------------------------------------------------


@dataclass
class LinkChoices:
    """What the viewer may link to a story in a community: (id, label) pairs."""

    threads: list
    meetings: list
    items: list


def _with(rows: list, queryset, also, label) -> list:
    """`rows` and the rows of ids `also` (already linked, or chosen on a form
    sent back) not among them, where `queryset` allows them: never a title
    the viewer may not read."""
    if not also:
        return rows
    # Asked whether or not they are among the recent, so a page costs the
    # same queries however much the community has written since.
    shown = {pk for pk, _ in rows}
    extra = queryset.filter(pk__in=also).exclude(pk__in=shown)
    return rows + [(row.pk, label(row)) for row in extra]


def link_choices(viewer, community, *, threads=(), meetings=(), items=()) -> LinkChoices:
    """Recent threads, meetings (that have begun) and library items of
    `community` the viewer reads, with those already chosen. Three queries,
    and one more for each kind of which some are chosen."""
    from copse.conversations.models import Thread
    from copse.library.models import LibraryItem
    from copse.meetings.models import Meeting

    readable_threads = Thread.objects.filter(
        permissions.readable_threads_q(viewer), community=community, removed_at__isnull=True
    )
    recent_threads = readable_threads.order_by("-last_activity_at", "-pk")[:LINK_CHOICES]

    def thread_label(thread):
        return thread.title

    readable_meetings = Meeting.objects.filter(
        permissions.visible_meetings_q(viewer), community=community
    ).exclude(status=Meeting.Status.CANCELLED)
    recent_meetings = readable_meetings.filter(starts_at__lte=timezone.now()).order_by(
        "-starts_at", "-pk"
    )[:LINK_CHOICES]

    def meeting_label(meeting):
        day = formats.date_format(timezone.localtime(meeting.starts_at), "j M Y")
        return f"{meeting.title} ({day})"

    readable_items = LibraryItem.objects.filter(
        permissions.readable_items_q(viewer), community=community
    )
    recent_items = readable_items.order_by("-updated_at", "-pk")[:LINK_CHOICES]

    def item_label(item):
        return f"{item.title} ({item.get_kind_display()})"

    return LinkChoices(
        threads=_with(
            [(t.pk, thread_label(t)) for t in recent_threads.only("pk", "title")],
            readable_threads.only("pk", "title"),
            _clean_ids(threads),
            thread_label,
        ),
        meetings=_with(
            [
                (m.pk, meeting_label(m))
                for m in recent_meetings.only("pk", "title", "starts_at", "community_id")
            ],
            readable_meetings.only("pk", "title", "starts_at", "community_id"),
            _clean_ids(meetings),
            meeting_label,
        ),
        items=_with(
            [(i.pk, item_label(i)) for i in recent_items.only("pk", "title", "kind")],
            readable_items.only("pk", "title", "kind"),
            _clean_ids(items),
            item_label,
        ),
    )


def _clean_ids(values) -> list[int]:
    ids = []
    for value in values or ():
        number = cursors.integer(str(value), minimum=1)
        if number is not None:
            ids.append(number)
    return ids


# --- Prompts -------------------------------------------------------------------


def waiting_prompts_count(viewer) -> Coalesce:
    """How many prompts wait for the viewer in the community of the outer
    statement's row (the same prompts `pending_prompts` shows), as a scalar
    subquery: Home reads it with each community row. The caller asks first
    whether the viewer may record value there (`community.record_value`)."""
    from copse.meetings.models import Meeting

    about_thread = Q(thread__isnull=False, thread__removed_at__isnull=True)
    about_meeting = Q(
        meeting__isnull=False,
        meeting__ends_at__lte=timezone.now(),
        meeting__status=Meeting.Status.SCHEDULED,
    )
    waiting = (
        ValuePrompt.objects.filter(
            user=viewer, community=OuterRef("pk"), dismissed_at__isnull=True, story__isnull=True
        )
        .filter(about_thread | about_meeting)
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(waiting), 0)


def pending_prompts(viewer, community, *, thread=None, limit: int = PROMPTS_SHOWN) -> list:
    """The viewer's unanswered "did this save you time or money?" in
    `community`, newest first: not dismissed, no story yet, about a thread
    still there or a meeting that has ended. None for anyone who may not
    record value here (and no query)."""
    if not permissions.can(viewer, "community.record_value", community):
        return []
    from copse.meetings.models import Meeting

    about_thread = Q(thread__community=community, thread__removed_at__isnull=True)
    about_meeting = Q(
        meeting__community=community,
        meeting__ends_at__lte=timezone.now(),
        meeting__status=Meeting.Status.SCHEDULED,
    )
    prompts = ValuePrompt.objects.filter(
        user=viewer, community=community, dismissed_at__isnull=True, story__isnull=True
    )
    prompts = prompts.filter(thread=thread) if thread is not None else prompts
    rows = list(
        prompts.filter(about_thread | about_meeting)
        .select_related("thread", "meeting")
        .order_by("-created_at", "-pk")[:limit]
    )
    for row in rows:
        row.community = community
        for target in (row.thread, row.meeting):
            if target is not None:
                target.community = community
    return rows


def prompt_of(viewer, community, prompt_id) -> ValuePrompt | None:
    """The viewer's own prompt in `community` that a "Record it" link names,
    or None (anyone else's, or nonsense, prefills nothing)."""
    number = cursors.integer(prompt_id, minimum=1)
    if number is None or not getattr(viewer, "is_authenticated", False):
        return None
    return ValuePrompt.objects.filter(pk=number, user=viewer, community=community).first()


# --- Time invested and saved ------------------------------------------------------


def period_of(value) -> int:
    """`?days=` as one of PERIODS, the default for anything else."""
    days = cursors.integer(value)
    return days if days in PERIODS else DEFAULT_PERIOD


def _hours(duration) -> Decimal:
    if not duration:
        return Decimal(0)
    return (Decimal(duration.total_seconds()) / 3600).quantize(Decimal("0.1"))


@dataclass
class TimeAccount:
    """Time put in and what it saved, over `days`: for one person, or for a
    community (summed over its members, nobody's figure apart)."""

    days: int
    meetings: int = 0
    meeting_hours: Decimal = Decimal(0)
    # Minutes a week of reading and writing: the person's estimate, or the
    # sum of the members' estimates; `estimates` says how many gave one.
    minutes_per_week: int | None = None
    estimates: int = 0
    saved: Totals = field(default_factory=Totals)

    @property
    def reading_hours(self) -> Decimal:
        minutes = Decimal(self.minutes_per_week or 0) * Decimal(self.days) / 7
        return (minutes / 60).quantize(Decimal("0.1"))

    @property
    def invested_hours(self) -> Decimal:
        return self.meeting_hours + self.reading_hours


def _attended(since, now):
    from copse.meetings.models import Meeting, Rsvp

    return Rsvp.objects.filter(
        attended=True,
        meeting__starts_at__gte=since,
        meeting__starts_at__lte=now,
        meeting__status=Meeting.Status.SCHEDULED,
    )


def _meeting_time(rsvps) -> tuple[int, Decimal]:
    length = ExpressionWrapper(
        F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
    )
    row = rsvps.aggregate(meetings=Count("pk"), length=Sum(length))
    return row["meetings"] or 0, _hours(row["length"])


def time_of(person, community, *, days: int) -> TimeAccount:
    """One person's own account in `community`. Four queries."""
    now = timezone.now()
    since = now - dt.timedelta(days=days)
    meetings, hours = _meeting_time(
        _attended(since, now).filter(user=person, meeting__community=community)
    )
    estimate = TimeEstimate.objects.filter(user=person, community=community).first()
    stories = ValueStory.objects.filter(
        author=person, community=community, removed_at__isnull=True, created_at__gte=since
    )
    return TimeAccount(
        days=days,
        meetings=meetings,
        meeting_hours=hours,
        minutes_per_week=estimate.minutes_per_week if estimate else None,
        estimates=1 if estimate else 0,
        saved=totals_of(stories),
    )


def community_time(community, *, days: int) -> TimeAccount:
    """The community's account, for its facilitators: every member's
    meetings, the estimates of those seated now, and every story (the
    facilitators read them all). Four queries."""
    now = timezone.now()
    since = now - dt.timedelta(days=days)
    meetings, hours = _meeting_time(_attended(since, now).filter(meeting__community=community))
    seated = Membership.objects.filter(
        community=community, status__in=Membership.SEATED, role__in=permissions.READING_ROLES
    ).values("user_id")
    estimates = TimeEstimate.objects.filter(community=community, user_id__in=seated).aggregate(
        minutes=Sum("minutes_per_week"), people=Count("pk")
    )
    stories = ValueStory.objects.filter(
        community=community, removed_at__isnull=True, created_at__gte=since
    )
    return TimeAccount(
        days=days,
        meetings=meetings,
        meeting_hours=hours,
        minutes_per_week=estimates["minutes"] or 0,
        estimates=estimates["people"] or 0,
        saved=totals_of(stories),
    )
