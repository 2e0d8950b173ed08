"""Every change to who belongs to a community: join, request, invite, leave, remove.

Each function is one user action: keyword-only arguments, permission check
first, one transaction, an audit entry, and mail sent after commit.
Caps are enforced with the community row locked (PostgreSQL: SELECT ... FOR
UPDATE; SQLite: the IMMEDIATE transaction already serialises writers), so
concurrent joins can never overflow a per-organisation or hard size cap.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from copse.accounts.identity import normalize_email
from copse.audit.services import record
from copse.communities.models import Community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.memberships import tasks
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.memberships.signals import invitation_accepted, membership_ended

INVITATION_SALT = "copse.invitation"
# Delegates sit in their principal's seat, so they count towards no cap.
COUNTED_ROLES = ("member", "facilitator")


class CommunityFull(UserFacingError):
    title = "This community is full"
    status = 409


class OrganisationCapReached(UserFacingError):
    title = "The places for this organisation are taken"
    status = 409


class OrganisationNotVerified(UserFacingError):
    title = "Organisation not verified yet"
    status = 409


class NormsNotAccepted(UserFacingError):
    title = "Please accept the norms"
    status = 400


class InvitationInvalid(UserFacingError):
    title = "This invitation link cannot be used"
    status = 410


class NotAllowed(UserFacingError):
    title = "That is not possible"
    status = 403


def _locked_community(community: Community) -> Community:
    return Community.objects.select_for_update().get(pk=community.pk)


def _check_caps(community: Community, user, *, actor=None) -> None:
    """Raise if one more seat for `user` would overflow a cap. Call with the row locked.

    A per-organisation cap counts verified organisations only (`User.organisation`
    is never self-declared), and seats nobody without one: otherwise having no
    organisation would get round the cap. The refusal names no colleague and
    gives no count, so it tells nobody who from their organisation is inside."""
    seated = Membership.objects.filter(
        community=community,
        status__in=Membership.SEATED,
        role__in=COUNTED_ROLES,
    )
    if community.size_cap is not None and seated.count() >= community.size_cap:
        raise CommunityFull(
            f"{community.name} has reached its limit of {community.size_cap} members. "
            "A facilitator can tell you when a place opens."
        )
    if community.per_organisation_cap is None:
        return
    themselves = actor is None or getattr(actor, "pk", None) == user.pk
    if user.organisation_id is None or not user.organisation_source:
        raise OrganisationNotVerified(
            f"{community.name} takes a limited number of people from each organisation, "
            + (
                "and your organisation is not verified yet; ask for it on your profile."
                if themselves
                else f"and the organisation of {user.name} is not verified yet; they can "
                "ask for it on their profile."
            )
        )
    if seated.filter(organisation_id=user.organisation_id).count() >= (
        community.per_organisation_cap
    ):
        raise OrganisationCapReached(
            f"The places in {community.name} for people from "
            + (
                "your organisation are taken. A facilitator can tell you when one opens."
                if themselves
                else f"the organisation of {user.name} are taken."
            )
        )


def _recount(community: Community) -> None:
    count = Membership.objects.filter(
        community=community,
        status__in=Membership.SEATED,
        role__in=COUNTED_ROLES,
    ).count()
    Community.objects.filter(pk=community.pk).update(member_count=count)
    community.member_count = count


def _seat(*, community: Community, user, role: str, actor, how: str, principal=None) -> Membership:
    """Create or revive a membership inside the caller's transaction."""
    locked = _locked_community(community)
    existing = Membership.objects.filter(community=locked, user=user).first()
    if existing is not None and existing.is_current and existing.role in permissions.READING_ROLES:
        return existing
    if role in COUNTED_ROLES:
        _check_caps(locked, user, actor=actor)
    membership = existing or Membership(community=locked, user=user)
    membership.role = role
    membership.status = Membership.Status.ACTIVE
    membership.organisation = user.organisation
    membership.principal = principal
    membership.ended_at = None
    membership.end_reason = ""
    membership.norms_accepted = 0
    membership.save()
    _recount(locked)
    community.member_count = locked.member_count
    record(actor=actor, action=f"membership.{how}", community=locked, subject=user, role=role)
    permissions.forget_standings(user)
    return membership


def _accept_norms_at_join(*, membership: Membership, community: Community, accepted_version: int):
    if community.norms_version and accepted_version != community.norms_version:
        raise NormsNotAccepted(
            "The norms changed while you were reading them. Please read the current "
            "version and accept it to join."
        )
    if community.norms_version:
        from copse.norms.services import accept_current_norms

        accept_current_norms(actor=membership.user, community=community, membership=membership)


def join_community(*, actor, community: Community, accepted_norms_version: int) -> Membership:
    """Join an open community after accepting its current norms."""
    if not permissions.can(actor, "community.join", community):
        raise NotAllowed("You cannot join this community directly.")
    with transaction.atomic():
        membership = _seat(
            community=community, user=actor, role=Membership.Role.MEMBER, actor=actor, how="joined"
        )
        _accept_norms_at_join(
            membership=membership, community=community, accepted_version=accepted_norms_version
        )
    return membership


def request_to_join(*, actor, community: Community, note: str) -> JoinRequest:
    if not permissions.can(actor, "community.request", community):
        raise NotAllowed("You cannot ask to join this community.")
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(community=community, user=actor, note=note)
            record(actor=actor, action="membership.requested", community=community, subject=actor)
    except IntegrityError as exc:
        raise NotAllowed("You have already asked to join; a facilitator will decide.") from exc
    permissions.forget_standings(actor)
    transaction.on_commit(lambda: tasks.tell_facilitators_of_request.enqueue(join_request.pk))
    return join_request


def withdraw_request(*, actor, join_request: JoinRequest) -> None:
    if join_request.user_id != actor.pk or join_request.status != JoinRequest.Status.PENDING:
        raise NotAllowed("There is no waiting request to withdraw.")
    join_request.status = JoinRequest.Status.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    permissions.forget_standings(actor)


def decide_request(
    *, actor, join_request: JoinRequest, approve: bool, note: str = ""
) -> JoinRequest:
    """A facilitator approves or declines; the requester is told either way."""
    community = join_request.community
    if not permissions.can(actor, "community.manage", community):
        raise NotAllowed("Only a facilitator can decide on requests.")
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if locked.status != JoinRequest.Status.PENDING:
            raise NotAllowed("This request has already been decided.")
        if approve:
            _seat(
                community=community,
                user=locked.user,
                role=Membership.Role.MEMBER,
                actor=actor,
                how="approved",
            )
        locked.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note
        locked.save()
        if not approve:
            record(
                actor=actor, action="membership.declined", community=community, subject=locked.user
            )
    transaction.on_commit(lambda: tasks.tell_requester_of_decision.enqueue(locked.pk))
    return locked


# --- Invitations ----------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("memberships:invitation", kwargs={"token": invitation_token(invitation)})
    return f"{settings.BASE_URL}{path}"


def invite(*, actor, community: Community, email: str, role: str = "member", message: str = ""):
    if not permissions.can(actor, "community.invite", community):
        raise NotAllowed("Only a facilitator can invite people.")
    email = normalize_email(email)
    already = Membership.objects.filter(
        community=community, user__email=email, status__in=Membership.SEATED
    ).exists()
    if already:
        raise NotAllowed(f"{email} is already a member of {community.name}.")
    with transaction.atomic():
        # A new invitation replaces any open one to the same address.
        Invitation.objects.filter(
            community=community, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            community=community, email=email, role=role, message=message, invited_by=actor
        )
        record(actor=actor, action="invitation.sent", community=community, email=email, role=role)
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation.pk))
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, or InvitationInvalid (expired, forged, used)."""
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired as exc:
        raise InvitationInvalid(
            "This invitation has expired. Ask the facilitator who invited you for a new one."
        ) from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid(
            "This link is not a valid invitation. Check that it was copied whole."
        ) from exc
    invitation = (
        Invitation.objects.select_related("community", "invited_by")
        .filter(pk=payload.get("i"))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation was withdrawn. Ask a facilitator for a new one.")
    if invitation.accepted_at is not None:
        raise InvitationInvalid(
            "This invitation has already been used. If that was you, sign in to reach the community."
        )
    return invitation


def accept_invitation(*, actor, invitation: Invitation, accepted_norms_version: int) -> Membership:
    if normalize_email(actor.email) != invitation.email:
        raise InvitationInvalid(
            f"This invitation was sent to a different address. Sign in as {invitation.email} to use it."
        )
    community = invitation.community
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise InvitationInvalid("This invitation has already been used.")
        membership = _seat(
            community=community,
            user=actor,
            role=locked.role,
            actor=actor,
            how="invitation_accepted",
        )
        if locked.role in permissions.READING_ROLES:
            _accept_norms_at_join(
                membership=membership, community=community, accepted_version=accepted_norms_version
            )
        locked.accepted_at = timezone.now()
        locked.accepted_by = actor
        locked.save(update_fields=["accepted_at", "accepted_by"])
        invitation_accepted.send(sender=Invitation, invitation=locked, membership=membership)
    permissions.forget_standings(actor)
    return membership


def revoke_invitation(*, actor, invitation: Invitation) -> None:
    if not permissions.can(actor, "community.invite", invitation.community):
        raise NotAllowed("Only a facilitator can withdraw invitations.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="invitation.revoked",
        community=invitation.community,
        email=invitation.email,
    )


# --- Leaving, leave, removal, roles ----------------------------------------------


def _end(*, membership: Membership, status: str, actor, reason: str, action: str) -> None:
    with transaction.atomic():
        membership.status = status
        membership.ended_at = timezone.now()
        membership.end_reason = reason
        membership.save(update_fields=["status", "ended_at", "end_reason"])
        membership_ended.send(sender=Membership, membership=membership)
        # A delegate's standing ends with their principal's.
        for delegate in membership.delegates.filter(status__in=Membership.SEATED):
            delegate.status = Membership.Status.LEFT
            delegate.ended_at = membership.ended_at
            delegate.end_reason = "Principal's membership ended."
            delegate.save(update_fields=["status", "ended_at", "end_reason"])
            membership_ended.send(sender=Membership, membership=delegate)
        _recount(membership.community)
        record(
            actor=actor,
            action=action,
            community=membership.community,
            subject=membership.user,
            reason=reason,
        )
    permissions.forget_standings(membership.user)


def leave(*, actor, community: Community) -> None:
    membership = Membership.objects.filter(community=community, user=actor).first()
    if membership is None or not permissions.can(actor, "community.leave", community):
        raise NotAllowed("You are not a member of this community.")
    _end(
        membership=membership,
        status=Membership.Status.LEFT,
        actor=actor,
        reason="",
        action="membership.left",
    )


def set_on_leave(*, actor, community: Community, on_leave: bool) -> Membership:
    membership = Membership.objects.filter(
        community=community, user=actor, status__in=Membership.SEATED
    ).first()
    if membership is None:
        raise NotAllowed("You are not a member of this community.")
    membership.status = Membership.Status.ON_LEAVE if on_leave else Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    record(
        actor=actor,
        action="membership.on_leave" if on_leave else "membership.returned",
        community=community,
        subject=actor,
    )
    permissions.forget_standings(actor)
    return membership


def remove_member(*, actor, membership: Membership, reason: str) -> None:
    if not permissions.can(actor, "community.manage", membership.community):
        raise NotAllowed("Only a facilitator can remove members.")
    if not reason.strip():
        raise NotAllowed("Please give a reason; the member and the audit log will show it.")
    if not membership.is_current:
        raise NotAllowed("This person is no longer a member.")
    _end(
        membership=membership,
        status=Membership.Status.REMOVED,
        actor=actor,
        reason=reason.strip(),
        action="membership.removed",
    )
    transaction.on_commit(lambda: tasks.tell_removed_member.enqueue(membership.pk))


def change_role(*, actor, membership: Membership, role: str) -> Membership:
    community = membership.community
    if not permissions.can(actor, "community.manage", community):
        raise NotAllowed("Only a facilitator can change roles.")
    if role not in Membership.Role.values or role == Membership.Role.DELEGATE:
        raise NotAllowed("Choose member, facilitator or guest presenter.")
    if membership.role == Membership.Role.FACILITATOR and role != membership.role:
        others = Membership.objects.filter(
            community=community, role=Membership.Role.FACILITATOR, status="active"
        ).exclude(pk=membership.pk)
        if not others.exists() and not actor.is_staff:
            raise NotAllowed("A community needs at least one facilitator; appoint another first.")
    old = membership.role
    with transaction.atomic():
        membership.role = role
        membership.save(update_fields=["role"])
        _recount(community)
        record(
            actor=actor,
            action="membership.role_changed",
            community=community,
            subject=membership.user,
            old=old,
            new=role,
        )
    permissions.forget_standings(membership.user)
    return membership


def appoint_delegate(*, actor, community: Community, delegate_user, principal: Membership):
    """A facilitator seats a delegate reading on behalf of a principal member."""
    if not permissions.can(actor, "community.manage", community):
        raise NotAllowed("Only a facilitator can appoint delegates.")
    if principal.community_id != community.pk or not principal.is_current:
        raise NotAllowed("The principal must be a current member.")
    with transaction.atomic():
        return _seat(
            community=community,
            user=delegate_user,
            role=Membership.Role.DELEGATE,
            actor=actor,
            how="delegate_appointed",
            principal=principal,
        )
