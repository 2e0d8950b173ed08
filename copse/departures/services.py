"""Deleting one's own account: the one user action of this app.

The person chooses what becomes of what they wrote (`Content`): removed, or
kept under "Former member". Either way every membership ends (a last
facilitator names who takes over, as on leaving), everything that let them
in or reached them stops at once (sessions, calendar feed, reply addresses,
queued mail), what Copse held about them is forgotten, and the account row
is anonymised and closed (`accounts.services.anonymise_account`).
`accounts.signals.account_deleted` is sent in the same transaction, for the
apps that hold more ways in (the API's tokens). What each app's rows go
through is in `erasure`.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.accounts.identity import addresses_of
from copse.accounts.models import User
from copse.accounts.services import anonymise_account, is_closed
from copse.accounts.signals import account_deleted
from copse.audit.services import record
from copse.communities import home
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.departures import erasure, tasks
from copse.memberships import services as membership_services
from copse.memberships.models import Membership


class Content(models.TextChoices):
    REMOVE = "remove", gettext_lazy("Remove what I wrote")
    KEEP = "keep", gettext_lazy("Keep what I wrote, under “Former member”")


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible")
    status = 403


class SuccessorNeeded(UserFacingError):
    title = gettext_lazy("A community needs a facilitator")
    status = 409


class LastSiteAdmin(UserFacingError):
    title = gettext_lazy("The site needs an administrator")
    status = 409


def last_facilitated(user) -> list[Membership]:
    """The person's seats as the last active facilitator of a community:
    each needs a successor before the account can go."""
    seats = Membership.objects.filter(
        user=user, role=Membership.Role.FACILITATOR, status__in=Membership.SEATED
    ).select_related("community")
    return [seat for seat in seats if membership_services.is_last_facilitator(seat)]


def is_last_site_admin(user) -> bool:
    return (
        permissions.is_site_admin(user)
        and not User.objects.filter(is_active=True, is_staff=True).exclude(pk=user.pk).exists()
    )


def _check_successors(user, successors: dict[int, Membership]) -> None:
    missing = [
        seat.community.name
        for seat in last_facilitated(user)
        if seat.community_id not in successors
    ]
    if missing:
        raise SuccessorNeeded(
            _(
                "You are the last facilitator of %(communities)s. Choose a member to hand "
                "over to in each, and they become facilitator as your account is deleted."
            )
            % {"communities": ", ".join(missing)}
        )


class Via(models.TextChoices):
    PAGE = "page", gettext_lazy("by themselves")
    COMMAND = "command", gettext_lazy("by the site's operator, at the person's request")


def delete_account(
    *,
    actor,
    content: str,
    successors: dict[int, Membership] | None = None,
    via: str = Via.PAGE,
) -> dict:
    """Delete `actor`'s own account. `successors` maps a community's id to
    the membership of the member who takes over where `actor` is the last
    facilitator. On the web only the person themselves deletes their
    account; `copse delete-account` (`via` command) is the operator's way
    for someone who can no longer sign in. Returns what was done, in counts."""
    successors = successors or {}
    if content not in Content.values:
        raise NotAllowed(_("Choose whether to remove what you wrote or to keep it."))
    if not (getattr(actor, "is_authenticated", False) and actor.is_active) or is_closed(actor):
        raise NotAllowed(_("This account cannot be deleted from here."))
    if is_last_site_admin(actor):
        raise LastSiteAdmin(
            _(
                "You are this site's only administrator. Make someone else a site "
                "administrator first, so the site is still run when you are gone."
            )
        )
    _check_successors(actor, successors)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if is_closed(user):
            raise NotAllowed(_("This account was already deleted."))
        former = erasure.Former(user=user, name=user.display_name, addresses=addresses_of(user))
        memberships = list(Membership.objects.filter(user=user).select_related("community"))
        former.community_ids.update(m.community_id for m in memberships)

        # While still a member: answers to meetings to come are given up
        # through the meetings service, and requests withdrawn through the
        # memberships service, as the person would.
        erasure.forget_meetings(former)
        erasure.forget_requests_and_invitations(former)
        left = 0
        for membership in memberships:
            if not membership.is_current:
                continue
            membership_services.leave(
                actor=user,
                community=membership.community,
                successor=successors.get(membership.community_id),
            )
            left += 1

        if content == Content.REMOVE:
            erasure.remove_conversations(former)
            erasure.remove_library(former)
            erasure.remove_value(former)
            erasure.remove_decisions(former)
            erasure.remove_topics(former)
            erasure.remove_meetings(former)
            erasure.remove_projects(former)
        erasure.forget_conversations(former)
        erasure.forget_library_credit(former)
        erasure.forget_value(former)
        erasure.forget_profile(former)
        erasure.forget_calendar(former)
        cancelled = erasure.forget_mail(former)
        erasure.forget_in_audit(former)

        anonymise_account(user=user)
        home.changed(*former.community_ids)
        # Names nobody and nothing: the entry's actor is the closed account.
        record(
            actor=user,
            action="account.deleted",
            content=content,
            via=via,
            communities_left=left,
        )
        account_deleted.send(sender=User, user=user)
        former.delete_files_after_commit()
        transaction.on_commit(lambda: tasks.end_sessions.enqueue(user.pk))
    permissions.forget_standings(actor)
    return {"communities_left": left, "mail_cancelled": cancelled}
