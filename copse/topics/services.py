"""Every change to topics: one function per action.

Member actions (nominate, vote, withdraw a vote, edit) and the facilitators'
`set_status` check permission first through copse.core.permissions and write
in one transaction. `Topic.vote_count` moves only together with a TopicVote
row, by an F() expression in the same transaction, so it stays exact when
many people vote at once; the one-vote-per-member constraint makes a second
vote a harmless no-op.

`mark_scheduled`, `mark_covered` and `unschedule` check nothing: the meetings
services call them, inside their own transactions, after checking their own
permissions.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from copse.audit.services import record
from copse.communities import home
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.topics.models import Topic, TopicVote

MAX_TITLE = 200
MAX_WHY = 4000
# What a facilitator may set by hand; "scheduled" comes from a meeting's agenda.
MANUAL_STATUSES = (Topic.Status.PROPOSED, Topic.Status.PARKED, Topic.Status.COVERED)


class TopicError(UserFacingError):
    title = gettext_lazy("That topic could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


# What a person was refused, as it ends the sentences of `_why_not`.
DOING = {
    "nominate": pgettext_lazy("ends a refusal", "nominate topics"),
    "edit": pgettext_lazy("ends a refusal", "edit your topics"),
    "vote": pgettext_lazy("ends a refusal", "vote"),
}


def _why_not(actor, community, doing: str) -> str:
    """A message that tells the person what would let them do it (`doing`:
    a key of DOING)."""
    standing = permissions.standing(actor, community)
    membership = standing.membership
    words = {"doing": DOING[doing]}
    if standing.is_active_contributor:
        return _("The norms changed: accept the new version to %(doing)s.") % words
    if membership is not None and standing.is_seated and membership.status == "on_leave":
        return _("You are on leave from this community. Come back from leave to %(doing)s.") % words
    if standing.role == "delegate":
        return _("Delegates follow the topics; the member you stand in for can %(doing)s.") % words
    return _("Only active members of this community can %(doing)s.") % words


def _clean_title(title: str) -> str:
    title = " ".join(without_control_characters(title).split())
    if not title:
        raise TopicError(_("Give the topic a title: a question or a theme."))
    if len(title) > MAX_TITLE:
        raise TopicError(
            _("Titles are at most %(limit)s characters; put the detail in “why it matters”.")
            % {"limit": MAX_TITLE}
        )
    return title


def _clean_why(why: str) -> str:
    why = without_control_characters(why).strip()
    if len(why) > MAX_WHY:
        raise TopicError(
            _(
                "“Why it matters” is %(length)s characters; the limit is %(limit)s. "
                "Keep the essentials; the discussion can go into a conversation."
            )
            % {"length": f"{len(why):,}", "limit": f"{MAX_WHY:,}"}
        )
    return why


def _clean_area(community, area: str, current: str = "") -> str:
    area = " ".join(without_control_characters(area).split())
    areas = [str(a) for a in (community.topic_areas or [])]
    if not areas:
        # The community names no areas: there is nothing to choose.
        return ""
    if area in areas or (area and area == current):
        return area
    if not area:
        raise TopicError(_("Choose the topic area it belongs to."))
    raise TopicError(
        _("Choose one of this community's topic areas: %(areas)s.") % {"areas": ", ".join(areas)}
    )


def _refuse_duplicate(community, title: str, exclude_pk=None) -> None:
    same = Topic.objects.filter(
        community=community,
        title__iexact=title,
        status__in=(Topic.Status.PROPOSED, Topic.Status.SCHEDULED),
    ).exclude(pk=exclude_pk)
    existing = same.only("status").first()
    if existing is None:
        return
    if existing.status == Topic.Status.SCHEDULED:
        raise TopicError(_("“%(title)s” is already on a meeting's agenda.") % {"title": title})
    raise TopicError(
        _("“%(title)s” is already in the backlog: vote for it there instead.") % {"title": title}
    )


def nominate(*, actor, community, title: str, why: str, area: str) -> Topic:
    if not permissions.can(actor, "community.nominate_topic", community):
        raise NotAllowed(_why_not(actor, community, "nominate"))
    title, why, area = _clean_title(title), _clean_why(why), _clean_area(community, area)
    with transaction.atomic():
        _refuse_duplicate(community, title)
        topic = Topic.objects.create(
            community=community, title=title, why=why, area=area, proposed_by=actor
        )
    return topic


def edit(*, actor, topic: Topic, title: str, why: str, area: str) -> Topic:
    """The proposer edits while the topic is proposed; facilitators at any time."""
    if not permissions.can(actor, "topic.edit", topic):
        if topic.proposed_by_id is not None and topic.proposed_by_id == getattr(actor, "pk", None):
            if topic.status != Topic.Status.PROPOSED:
                raise NotAllowed(
                    _("This topic is %(status)s now; ask a facilitator if it needs changing.")
                    % {"status": topic.get_status_display().lower()}
                )
            raise NotAllowed(_why_not(actor, topic.community, "edit"))
        raise NotAllowed(_("Only the person who nominated a topic, or a facilitator, can edit it."))
    title, why = _clean_title(title), _clean_why(why)
    area = _clean_area(topic.community, area, current=topic.area)
    if (title, why, area) == (topic.title, topic.why, topic.area):
        return topic
    with transaction.atomic():
        if title.casefold() != topic.title.casefold():
            _refuse_duplicate(topic.community, title, exclude_pk=topic.pk)
        topic.title, topic.why, topic.area = title, why, area
        topic.save(update_fields=["title", "why", "area"])
    return topic


def _refuse_vote(actor, topic: Topic) -> None:
    if permissions.can(actor, "topic.vote", topic):
        return
    if topic.status != Topic.Status.PROPOSED and permissions.can(
        actor, "community.nominate_topic", topic.community
    ):
        raise NotAllowed(
            _("Voting has closed: this topic is %(status)s now.")
            % {"status": topic.get_status_display().lower()}
        )
    raise NotAllowed(_why_not(actor, topic.community, "vote"))


def vote(*, actor, topic: Topic) -> bool:
    """Approve a topic. True if this added a vote, False if the person had voted already."""
    _refuse_vote(actor, topic)
    with transaction.atomic():
        try:
            with transaction.atomic():
                TopicVote.objects.create(topic=topic, user=actor)
        except IntegrityError:
            added = False  # voted already (a double click, two tabs): nothing to do
        else:
            Topic.objects.filter(pk=topic.pk).update(vote_count=F("vote_count") + 1)
            home.changed(topic.community_id)
            added = True
    topic.refresh_from_db(fields=["vote_count"])
    return added


def withdraw_vote(*, actor, topic: Topic) -> bool:
    """Take a vote back. True if there was one to take back."""
    _refuse_vote(actor, topic)
    with transaction.atomic():
        deleted, _rows = TopicVote.objects.filter(topic=topic, user=actor).delete()
        if deleted:
            Topic.objects.filter(pk=topic.pk).update(vote_count=F("vote_count") - deleted)
            home.changed(topic.community_id)
    topic.refresh_from_db(fields=["vote_count"])
    return bool(deleted)


def forget_votes_of(*, user, community) -> int:
    """Someone who left no longer steers what the community talks about: their
    votes on topics still waiting (proposed or parked) are taken back. Votes
    on topics already scheduled or covered stay, as history."""
    waiting = (Topic.Status.PROPOSED, Topic.Status.PARKED)
    with transaction.atomic():
        topic_ids = list(
            TopicVote.objects.filter(
                user=user, topic__community=community, topic__status__in=waiting
            ).values_list("topic_id", flat=True)
        )
        TopicVote.objects.filter(user=user, topic_id__in=topic_ids).delete()
        Topic.objects.filter(pk__in=topic_ids).update(vote_count=F("vote_count") - 1)
        if topic_ids:
            home.changed(community.pk)
    return len(topic_ids)


def set_status(*, actor, topic: Topic, status: str) -> Topic:
    """Facilitators park a topic, return it to the backlog, or mark it covered by hand."""
    if not permissions.can(actor, "topic.manage", topic):
        raise NotAllowed(_("Only the community's facilitators change a topic's status."))
    if status == Topic.Status.SCHEDULED:
        raise TopicError(_("A topic is scheduled by putting it on a meeting's agenda."))
    if status not in MANUAL_STATUSES:
        raise TopicError(_("Choose proposed, parked or covered."))
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        if locked.status == status:
            topic.status, topic.status_changed_at = locked.status, locked.status_changed_at
            return topic
        now = timezone.now()
        Topic.objects.filter(pk=topic.pk).update(status=status, status_changed_at=now)
        home.changed(topic.community_id)
        record(
            actor=actor,
            action="topic.status_changed",
            community=topic.community,
            topic_id=topic.pk,
            status=status,
            previous=locked.status,
        )
    topic.status, topic.status_changed_at = status, now
    return topic


def _move(topics: Iterable, *, to: str, from_statuses) -> int:
    """Move the given topics that are in `from_statuses` to `to`; update the
    Topic objects passed in; return how many changed."""
    topics = list(topics)
    ids = [getattr(t, "pk", t) for t in topics]
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        changed = set(
            Topic.objects.select_for_update()
            .filter(pk__in=ids, status__in=from_statuses)
            .values_list("pk", flat=True)
        )
        if changed:
            Topic.objects.filter(pk__in=changed).update(status=to, status_changed_at=now)
            home.changed_where(Topic.objects.filter(pk__in=changed).values("community_id"))
    for topic in topics:
        if isinstance(topic, Topic) and topic.pk in changed:
            topic.status, topic.status_changed_at = to, now
    return len(changed)


def mark_scheduled(*, topics) -> int:
    """The topics went on a meeting's agenda. A covered topic stays covered.

    `topics`: Topic objects or ids. No permission check: for the meetings services.
    """
    return _move(
        topics,
        to=Topic.Status.SCHEDULED,
        from_statuses=(Topic.Status.PROPOSED, Topic.Status.PARKED),
    )


def mark_covered(*, topics) -> int:
    """The meeting that discussed the topics published its summary.

    `topics`: Topic objects or ids. No permission check: for the meetings services.
    """
    return _move(
        topics,
        to=Topic.Status.COVERED,
        from_statuses=(Topic.Status.PROPOSED, Topic.Status.SCHEDULED, Topic.Status.PARKED),
    )


def unschedule(*, topics) -> int:
    """Scheduled topics go back to the backlog, with their votes (an agenda item
    was removed, or the meeting cancelled). Call it only for topics that are on
    no other meeting's agenda. No permission check: for the meetings services."""
    return _move(topics, to=Topic.Status.PROPOSED, from_statuses=(Topic.Status.SCHEDULED,))


def add_system_topic(*, community, title: str, why: str, link: str, link_text: str) -> Topic:
    """A topic Copse itself puts on the backlog (a decision due for review,
    the norms due for review), proposed by nobody, linking to what it is
    about (`link`, an address on this site). Checks nothing: the decisions
    app calls it from its daily sweep. An identical proposed topic is reused
    rather than repeated, with what it says and links brought up to date."""
    title = " ".join(without_control_characters(title).split())[:MAX_TITLE]
    fields = {"why": why[:MAX_WHY], "link": link, "link_text": link_text}
    existing = Topic.objects.filter(
        community=community, title__iexact=title, status=Topic.Status.PROPOSED
    ).first()
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(fields))
        return existing
    topic = Topic.objects.create(community=community, title=title, **fields)
    record(actor=None, action="topic.added_for_review", community=community, topic=topic.pk)
    return topic
