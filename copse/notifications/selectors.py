"""The inbox: a person's notifications whose targets they may still read."""

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from copse.core import cursors, permissions
from copse.memberships.announcements import sentence
from copse.notifications.models import Notification

PAGE_SIZE = 30
# What each target model needs to be read, and what to fetch with it.
READ_ACTIONS = {
    "conversations.post": "post.read",
    "meetings.meeting": "meeting.view",
    "communities.community": "community.view",
    # Announcements to facilitators point at the audit entry they are about.
    "audit.auditentry": "community.view_audit",
    "library.libraryitem": "library_item.read",
    "decisions.proposal": "proposal.read",
    "decisions.datepoll": "poll.read",
    # The review reminder: whoever reads the community's decisions.
    "decisions.normsreview": "community.view_decisions",
    # A trust pulse that opened: whoever sees the community's pulses.
    "pulses.pulse": "community.view_pulses",
    # A facilitator's private note: its member alone (health).
    "health.nudge": "nudge.read",
    # Feedback shared with a presenter: that presenter, while it stays shared.
    "meetings.agendaitem": "agenda_item.read_shared_feedback",
}


def visible_q(user) -> Q:
    """The database's first cut of the notices a person may see: those in
    communities they read, and those about their own presentation (a guest
    presenter does not read the community). Each target's own rule is
    checked again on every row shown (`may_still_read`)."""
    return permissions.readable_q(user) | Q(kind=Notification.Kind.FEEDBACK_SHARED)


def _target_querysets():
    from copse.audit.models import AuditEntry
    from copse.communities.models import Community
    from copse.conversations.models import Post
    from copse.decisions.models import DatePoll, NormsReview, Proposal
    from copse.health.models import Nudge
    from copse.library.models import LibraryItem
    from copse.meetings.models import AgendaItem, Meeting
    from copse.pulses.models import Pulse

    return [
        Post.objects.select_related("thread__community", "community", "author"),
        Meeting.objects.select_related("community"),
        Community.objects.all(),
        AuditEntry.objects.select_related("community", "actor", "subject"),
        LibraryItem.objects.select_related("community"),
        Proposal.objects.select_related("community"),
        DatePoll.objects.select_related("community"),
        NormsReview.objects.select_related("community"),
        Pulse.objects.select_related("community"),
        Nudge.objects.select_related("community").defer("body"),
        AgendaItem.objects.select_related("meeting__community"),
    ]


def inbox(user, *, before: str | None = None, unread_only: bool = False):
    """A page of visible notifications and the cursor for the next one;
    with `unread_only`, only those not read yet.

    Rows are filtered by community at the database (cheap), then by the
    target's own rule in Python (removed posts, removed threads).
    """
    rows = Notification.objects.filter(user=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    rows = (
        rows.filter(visible_q(user))
        .select_related("actor", "community", "target_type")
        .prefetch_related(GenericPrefetch("target", _target_querysets()))
        .order_by("-created_at", "-id")
    )
    position = cursors.parse(before, cursors.MOMENT, cursors.INT)
    if position is not None:
        at, pk = position
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    page = list(rows[: PAGE_SIZE + 1])
    next_cursor = None
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        next_cursor = f"{page[-1].created_at.isoformat()}|{page[-1].pk}"
    visible = [n for n in page if may_still_read(user, n)]
    for n in visible:
        if n.is_announcement:
            n.announcement = sentence(n.target)
    return visible, next_cursor


def notification_for(user, notification_id: int):
    """One of `user`'s notifications with its target, as the inbox shows it,
    or None when it is not theirs or they may no longer read its target."""
    notification = (
        Notification.objects.filter(user=user, pk=notification_id)
        .select_related("actor", "community", "target_type")
        .prefetch_related(GenericPrefetch("target", _target_querysets()))
        .first()
    )
    if notification is None or not may_still_read(user, notification):
        return None
    if notification.is_announcement:
        notification.announcement = sentence(notification.target)
    return notification


def may_still_read(user, notification) -> bool:
    """Whether `user` may read what `notification` is about, now."""
    key = f"{notification.target_type.app_label}.{notification.target_type.model}"
    action = READ_ACTIONS.get(key)
    target = notification.target
    return bool(action) and target is not None and permissions.can(user, action, target)


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    counted = getattr(user, "copse_unread_notices", None)
    if counted is not None:
        return counted
    return (
        Notification.objects.filter(user=user, read_at__isnull=True).filter(visible_q(user)).count()
    )


def with_unread_counts(users):
    """Annotate a query of users with their unread notices, by the same rule
    as `unread_count` (`visible_q`, with the seats as a subquery), and whether
    they have any unread notice at all (`mark_read_about` skips its write
    when not). Applied to the request's load of the user, so the count in
    every page's navigation costs no query of its own."""
    unread = Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
    visible = unread.filter(
        Q(community__visibility="open")
        | Q(community_id__in=permissions.seated_community_ids_of(OuterRef(OuterRef("pk"))))
        | Q(kind=Notification.Kind.FEEDBACK_SHARED)
    )
    return users.annotate(
        copse_unread_notices=Coalesce(
            Subquery(visible.order_by().values("user").annotate(n=Count("pk")).values("n")),
            0,
        ),
        copse_has_unread_notices=Exists(unread),
    )
