"""What a change of a community's visibility does to what was already written.

Each thread keeps a floor: the most private visibility its community has had
since the thread began (`conversations.Thread.visibility_floor`), and is read
under the stricter of that and the community's visibility now
(`permissions.thread_visibility`). So:

- making a community more private raises the floor of all its threads, in the
  same transaction as the change (`after_change`);
- making it less private opens only what is written afterwards. The
  facilitator is told exactly that before confirming (`Lowering`), and the
  seated members are told after, in the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from copse.core import permissions

# What a community would become, as in "Making it ... is for the members to decide".
LABELS = {
    "open": _("open (anyone can read)"),
    "members": _("members only"),
    "confidential": _("confidential"),
}


def lowers(before: str, after: str) -> bool:
    return permissions.visibility_rank(after) < permissions.visibility_rank(before)


@dataclass(frozen=True)
class Lowering:
    """What making `community` less private (to `after`) opens and what stays."""

    community: object
    before: str
    after: str
    kept: int  # threads that stay at their floor, more private than `after`

    @classmethod
    def of(cls, community, after: str) -> Lowering:
        from copse.conversations.models import Thread

        stricter = permissions.VISIBILITIES[permissions.visibility_rank(after) + 1 :]
        kept = Thread.objects.filter(
            community=community, visibility_floor__in=[*stricter, ""], removed_at__isnull=True
        ).count()
        return cls(community, community.visibility, after, kept)

    @property
    def before_label(self) -> str:
        return LABELS.get(self.before, self.before)

    @property
    def after_label(self) -> str:
        return LABELS.get(self.after, self.after)

    @property
    def stays_private(self) -> str:
        n = self.kept
        if not n:
            return gettext("No conversation has been written yet, so there is nothing to keep.")
        where = []
        if self.after == "open":
            where.append(
                ngettext(
                    "only members read it, its replies and files, on the page, in search, "
                    "on people's pages and in exports",
                    "only members read them, their replies and files, on the page, in search, "
                    "on people's pages and in exports",
                    n,
                )
            )
        if self.before == "confidential":
            where.append(
                ngettext(
                    "mail about it carries only a link", "mail about them carries only a link", n
                )
            )
        lead = ngettext(
            "The one conversation written so far keeps the privacy it was written under, "
            "however long it goes on",
            "The %(count)s conversations written so far keep the privacy they were written "
            "under, however long they go on",
            n,
        ) % {"count": n}
        # The conversations kept, then where they stay private, joined by semicolons.
        return gettext("%(kept)s: %(where)s.") % {"kept": lead, "where": "; ".join(where)}

    @property
    def opens(self) -> str:
        if self.after == "open":
            return gettext(
                "Conversations started after the change can be read by anyone, signed in or "
                "not, and found in search. Meetings, topics and the library are open to anyone "
                "at once."
            )
        return gettext(
            "Conversations started after the change are for members, and their mail may carry "
            "their words, as the community's mail setting allows. Meetings, topics and the "
            "library follow the new setting at once, in mail and in members' calendar feeds."
        )


def after_change(*, actor, community, before: str) -> None:
    """Inside the transaction that saved `community` with a
    new visibility: raise its threads' floors, or tell its members."""
    from copse.conversations.models import Thread

    after = community.visibility
    # Never lowers a floor; a no-op when the community became less private
    # (every floor is at least what the community was).
    below = permissions.VISIBILITIES[: permissions.visibility_rank(after)]
    Thread.objects.filter(community=community, visibility_floor__in=below).update(
        visibility_floor=after
    )
    if lowers(before, after):
        _tell_members(actor=actor, community=community)


def _tell_members(*, actor, community) -> None:
    """An in-app notification to everyone seated (the actor and the active
    facilitators, who are told in the announcement, aside): the
    community became less private, and what was written before did not."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from copse.memberships.models import Membership
    from copse.notifications.models import Notification

    kind = Notification.Kind.VISIBILITY_LOWERED
    seated = list(
        Membership.objects.filter(
            community=community,
            user__is_active=True,
            status__in=permissions.SEATED_STATUSES,
            role__in=permissions.READING_ROLES,
        )
        .exclude(user_id=getattr(actor, "pk", None))
        # Active facilitators hear of it once, in the announcement of the change.
        .exclude(role="facilitator", status="active")
        .values_list("user_id", flat=True)
    )
    target_type = ContentType.objects.get_for_model(community)
    # Lowered before: the old notice comes back to the top, unread.
    Notification.objects.filter(
        user_id__in=seated, kind=kind, target_type=target_type, target_id=community.pk
    ).update(created_at=timezone.now(), read_at=None, actor=actor)
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                community=community,
                kind=kind,
                actor=actor,
                target_type=target_type,
                target_id=community.pk,
            )
            for user_id in seated
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
