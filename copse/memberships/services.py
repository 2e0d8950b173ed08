"""Every change to who belongs to a community: join, request, invite, leave, remove.

Each function is one user action: keyword-only arguments, permission check
first, one transaction, an audit entry, and mail sent after commit.

A seat is the only key to a `members` or `confidential` community, and it
comes from exactly one of: accepting an invitation (in the role it names),
a facilitator approving a join request, joining an open community, or a site
admin seating the first facilitator of a community that has none
(`communities.services.appoint_facilitator`). Nobody gives themselves a
seat. Every seat a site admin gives, and every change of role, is announced
to the community's facilitators (`memberships.announcements`).
Caps are enforced with the community row locked (PostgreSQL: SELECT ... FOR
UPDATE; SQLite: the IMMEDIATE transaction already serialises writers), so
concurrent joins can never overflow a per-organisation or hard size cap.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from copse.accounts.identity import addresses_of, normalize_email
from copse.audit.services import record
from copse.communities.models import Community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.memberships import tasks
from copse.memberships.announcements import announce
from copse.memberships.links import INVITATION_SALT
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.memberships.signals import (
    invitation_accepted,
    join_request_withdrawn,
    join_requested,
    membership_ended,
    membership_role_changed,
    membership_started,
)

EXPIRED = gettext_lazy(
    "This invitation has expired. Ask the facilitator who invited you for a new one."
)
# Written in the database in English, and translated where it is shown.
DELEGATE_ENDED = gettext_noop("Principal's membership ended.")
MEMBERS_ADMITTED = gettext_noop("The members decided.")
MEMBERS_DECLINED = gettext_noop("The members decided not to admit you this time.")
# Delegates sit in their principal's seat, so they count towards no cap.
COUNTED_ROLES = ("member", "facilitator")


class CommunityFull(UserFacingError):
    title = gettext_lazy("This community is full")
    status = 409


class OrganisationCapReached(UserFacingError):
    title = gettext_lazy("The places for this organisation are taken")
    status = 409


class OrganisationNotVerified(UserFacingError):
    title = gettext_lazy("Organisation not verified yet")
    status = 409


class NormsNotAccepted(UserFacingError):
    title = gettext_lazy("Please accept the norms")
    status = 400


class InvitationInvalid(UserFacingError):
    title = gettext_lazy("This invitation link cannot be used")
    status = 410


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible")
    status = 403


class LastFacilitator(NotAllowed):
    title = gettext_lazy("A community needs a facilitator")
    status = 409


def other_active_facilitators(membership: Membership):
    return Membership.objects.filter(
        community_id=membership.community_id,
        role=Membership.Role.FACILITATOR,
        status=Membership.Status.ACTIVE,
    ).exclude(pk=membership.pk)


def is_last_facilitator(membership: Membership) -> bool:
    return (
        membership.role == Membership.Role.FACILITATOR
        and membership.is_current
        and not other_active_facilitators(membership).exists()
    )


def holds_own_seat(membership: Membership | None) -> bool:
    """Whether `membership` is a seat of its own that a delegate may read
    through: a current member or facilitator (not a guest presenter, who
    reads nothing, nor another delegate)."""
    return membership is not None and membership.is_current and membership.role in COUNTED_ROLES


def _end_delegates(membership: Membership, *, when) -> None:
    """A delegate's standing ends with their principal's seat."""
    for delegate in membership.delegates.filter(status__in=Membership.SEATED):
        delegate.status = Membership.Status.LEFT
        delegate.ended_at = when
        delegate.end_reason = DELEGATE_ENDED
        delegate.save(update_fields=["status", "ended_at", "end_reason"])
        membership_ended.send(sender=Membership, membership=delegate)
        permissions.forget_standings(delegate.user)


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
            _(
                "%(name)s has reached its limit of %(cap)s members. "
                "A facilitator can tell you when a place opens."
            )
            % {"name": community.name, "cap": community.size_cap}
        )
    if community.per_organisation_cap is None:
        return
    themselves = actor is None or getattr(actor, "pk", None) == user.pk
    if user.organisation_id is None or not user.organisation_source:
        if themselves:
            message = _(
                "%(name)s takes a limited number of people from each organisation, and your "
                "organisation is not verified yet; ask for it on your profile."
            )
        else:
            message = _(
                "%(name)s takes a limited number of people from each organisation, and the "
                "organisation of %(person)s is not verified yet; they can ask for it on their "
                "profile."
            )
        raise OrganisationNotVerified(message % {"name": community.name, "person": user.name})
    if seated.filter(organisation_id=user.organisation_id).count() >= (
        community.per_organisation_cap
    ):
        if themselves:
            message = _(
                "The places in %(name)s for people from your organisation are taken. "
                "A facilitator can tell you when one opens."
            )
        else:
            message = _(
                "The places in %(name)s for people from the organisation of %(person)s are taken."
            )
        raise OrganisationCapReached(message % {"name": community.name, "person": user.name})


def _recount(community: Community) -> None:
    count = Membership.objects.filter(
        community=community,
        status__in=Membership.SEATED,
        role__in=COUNTED_ROLES,
    ).count()
    Community.objects.filter(pk=community.pk).update(member_count=count)
    community.member_count = count


def _seat(
    *,
    community: Community,
    user,
    role: str,
    actor,
    how: str,
    seated_by,
    via: str,
    principal=None,
    caps: bool = True,
    invitation: Invitation | None = None,
    announced: bool = False,
    **detail,
) -> Membership:
    """Create or revive a membership inside the caller's transaction. Only
    the services of the ways in (see the module docstring) call this.

    `seated_by` gave the seat (the inviter, the approving facilitator, the
    site admin, the joiner); a seat a site admin gives is announced (and any
    with `announced`, such as a delegate's). Any other
    invitation of this person to this community is used up with it."""
    if seated_by is not None and seated_by.pk == user.pk and via != Membership.SeatedVia.OPEN_JOIN:
        raise NotAllowed(_("Nobody can give themselves a seat."))
    locked = _locked_community(community)
    existing = Membership.objects.filter(community=locked, user=user).first()
    if existing is not None and existing.is_current and existing.role in permissions.READING_ROLES:
        _use_up_invitations(community=locked, user=user, keep=invitation)
        return existing
    if caps and role in COUNTED_ROLES:
        _check_caps(locked, user, actor=actor)
    membership = existing or Membership(community=locked, user=user)
    membership.role = role
    membership.status = Membership.Status.ACTIVE
    membership.organisation = user.organisation
    membership.principal = principal
    membership.ended_at = None
    membership.end_reason = ""
    membership.norms_accepted = 0
    membership.seated_by = seated_by
    membership.seated_via = via
    membership.save()
    membership_started.send(sender=Membership, membership=membership)
    _recount(locked)
    community.member_count = locked.member_count
    _use_up_invitations(community=locked, user=user, keep=invitation)
    entry = record(
        actor=actor,
        action=f"membership.{how}",
        community=locked,
        subject=user,
        role=role,
        via=via,
        **detail,
    )
    if announced or (seated_by is not None and permissions.is_site_admin(seated_by)):
        announce(entry)
    permissions.forget_standings(user)
    return membership


def _use_up_invitations(*, community: Community, user, keep: Invitation | None = None) -> None:
    """A seat taken by any way uses up every open invitation of this person
    to this community, so none is left to come back in by."""
    open_ones = Invitation.objects.filter(
        community=community,
        email__in=addresses_of(user),
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    if keep is not None:
        open_ones = open_ones.exclude(pk=keep.pk)
    open_ones.update(revoked_at=timezone.now())


def _accept_norms_at_join(*, membership: Membership, community: Community, accepted_version: int):
    if community.norms_version and accepted_version != community.norms_version:
        raise NormsNotAccepted(
            _(
                "The norms changed while you were reading them. Please read the current "
                "version and accept it to join."
            )
        )
    if community.norms_version:
        from copse.norms.services import accept_current_norms

        accept_current_norms(actor=membership.user, community=community, membership=membership)


def usable_invitation_for(user, community: Community) -> Invitation | None:
    """The newest invitation of `user`'s address to `community` that still
    gives something (not used, withdrawn or expired)."""
    return (
        Invitation.objects.usable()
        .filter(community=community, email=normalize_email(user.email))
        .select_related("community", "invited_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def join_community(*, actor, community: Community, accepted_norms_version: int) -> Membership:
    """Join after accepting the current norms: through the invitation the
    person holds, if any (in the role it names, using it up), otherwise an
    open community as a member."""
    if not permissions.can(actor, "community.join", community):
        raise NotAllowed(_("You cannot join this community directly."))
    invitation = usable_invitation_for(actor, community)
    if invitation is not None:
        return accept_invitation(
            actor=actor, invitation=invitation, accepted_norms_version=accepted_norms_version
        )
    if community.join_policy != Community.JoinPolicy.OPEN:
        raise NotAllowed(_("You cannot join this community directly."))
    with transaction.atomic():
        membership = _seat(
            community=community,
            user=actor,
            role=Membership.Role.MEMBER,
            actor=actor,
            how="joined",
            seated_by=actor,
            via=Membership.SeatedVia.OPEN_JOIN,
        )
        _accept_norms_at_join(
            membership=membership, community=community, accepted_version=accepted_norms_version
        )
    return membership


def request_to_join(*, actor, community: Community, note: str) -> JoinRequest:
    """Ask to join. Where the members decide, the request becomes an admission
    proposal they answer (opened by `join_requested`'s receiver in decisions);
    otherwise the facilitators are told and decide."""
    if not permissions.can(actor, "community.request", community):
        raise NotAllowed(_("You cannot ask to join this community."))
    members_decide = community.join_policy == Community.JoinPolicy.MEMBERS
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                community=community, user=actor, note=note, members_decide=members_decide
            )
            record(actor=actor, action="membership.requested", community=community, subject=actor)
            join_requested.send(sender=JoinRequest, join_request=join_request)
    except IntegrityError as exc:
        raise NotAllowed(_("You have already asked to join; your request is waiting.")) from exc
    permissions.forget_standings(actor)
    if not members_decide:
        transaction.on_commit(lambda: tasks.tell_facilitators_of_request.enqueue(join_request.pk))
    return join_request


def withdraw_request(*, actor, join_request: JoinRequest) -> None:
    """The requester withdraws; an admission proposal about it is withdrawn with it."""
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if locked.user_id != actor.pk or locked.status != JoinRequest.Status.PENDING:
            raise NotAllowed(_("There is no waiting request to withdraw."))
        locked.status = JoinRequest.Status.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        record(
            actor=actor,
            action="membership.request_withdrawn",
            community=locked.community,
            subject=actor,
        )
        join_request_withdrawn.send(sender=JoinRequest, join_request=locked)
    join_request.status, join_request.decided_at = locked.status, locked.decided_at
    permissions.forget_standings(actor)


def decide_request(
    *, actor, join_request: JoinRequest, approve: bool, note: str = ""
) -> JoinRequest:
    """A facilitator approves or declines; the requester is told either way."""
    community = join_request.community
    if not permissions.can(actor, "community.manage", community):
        raise NotAllowed(_("Only a facilitator can decide on requests."))
    if join_request.user_id == actor.pk:
        raise NotAllowed(_("You cannot decide on your own request; a facilitator will."))
    if join_request.members_decide:
        # The join policy gave this decision to the members; a facilitator
        # answers the admission proposal like any of them (a block stops it).
        raise NotAllowed(
            _(
                "The members decide on this request: answer its admission proposal like "
                "everyone else. A block with your reason stops it."
            )
        )
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if locked.status != JoinRequest.Status.PENDING:
            raise NotAllowed(_("This request has already been decided."))
        if approve:
            _seat(
                community=community,
                user=locked.user,
                role=Membership.Role.MEMBER,
                actor=actor,
                how="approved",
                seated_by=actor,
                via=Membership.SeatedVia.APPROVAL,
            )
        locked.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.decision_note = note
        locked.save()
        if not approve:
            entry = record(
                actor=actor, action="membership.declined", community=community, subject=locked.user
            )
            if permissions.is_site_admin(actor):
                announce(entry)
    transaction.on_commit(lambda: tasks.tell_requester_of_decision.enqueue(locked.pk))
    return locked


def admit_by_members(*, join_request: JoinRequest, proposal_id: int) -> str:
    """The members admitted the requester by an admission proposal that
    passed (inside the transaction that closed it). Returns why the seat
    could not be given, or "" (caps still apply: a full community is full)."""
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        return _("The request was withdrawn before the members decided.")
    try:
        with transaction.atomic():
            _seat(
                community=locked.community,
                user=locked.user,
                role=Membership.Role.MEMBER,
                actor=None,
                how="admitted_by_members",
                seated_by=None,
                via=Membership.SeatedVia.MEMBERS_DECIDED,
            )
    except UserFacingError as exc:
        return exc.message
    locked.status = JoinRequest.Status.APPROVED
    locked.decided_at = timezone.now()
    locked.decision_note = MEMBERS_ADMITTED
    locked.save(update_fields=["status", "decided_at", "decision_note"])
    record(
        actor=None,
        action="membership.admitted",
        community=locked.community,
        subject=locked.user,
        proposal=proposal_id,
    )
    transaction.on_commit(lambda: tasks.tell_requester_of_decision.enqueue(locked.pk))
    return ""


def decline_by_members(*, join_request: JoinRequest, proposal_id: int) -> None:
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        return
    locked.status = JoinRequest.Status.DECLINED
    locked.decided_at = timezone.now()
    locked.decision_note = MEMBERS_DECLINED
    locked.save(update_fields=["status", "decided_at", "decision_note"])
    record(
        actor=None,
        action="membership.declined",
        community=locked.community,
        subject=locked.user,
        proposal=proposal_id,
    )
    transaction.on_commit(lambda: tasks.tell_requester_of_decision.enqueue(locked.pk))


# --- Invitations ----------------------------------------------------------------


def invite(*, actor, community: Community, email: str, role: str = "member", message: str = ""):
    if not permissions.can(actor, "community.invite", community):
        raise NotAllowed(_("Only a facilitator can invite people."))
    email = normalize_email(email)
    if email in addresses_of(actor):
        raise NotAllowed(
            _(
                "You cannot invite yourself: a seat is given by someone else. "
                "Ask a facilitator of the community to invite you."
            )
        )
    if role == Membership.Role.DELEGATE:
        raise NotAllowed(_("Invite a delegate from the delegates form, naming their principal."))
    already = Membership.objects.filter(
        community=community,
        user__email=email,
        status__in=Membership.SEATED,
        role__in=permissions.READING_ROLES,
    ).exists()
    if already:
        raise NotAllowed(
            _("%(email)s is already a member of %(name)s.")
            % {"email": email, "name": community.name}
        )
    with transaction.atomic():
        # A new invitation replaces any open one to the same address.
        Invitation.objects.filter(
            community=community, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            community=community, email=email, role=role, message=message, invited_by=actor
        )
        entry = record(
            actor=actor, action="invitation.sent", community=community, email=email, role=role
        )
        if permissions.is_site_admin(actor):
            announce(entry)
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation.pk))
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, or InvitationInvalid (expired, forged, used)."""
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired as exc:
        raise InvitationInvalid(str(EXPIRED)) from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid(
            _("This link is not a valid invitation. Check that it was copied whole.")
        ) from exc
    invitation = (
        Invitation.objects.select_related("community", "invited_by", "principal__user")
        .filter(pk=payload.get("i"))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationInvalid(
            _("This invitation was withdrawn. Ask a facilitator for a new one.")
        )
    if invitation.accepted_at is not None:
        raise InvitationInvalid(
            _(
                "This invitation has already been used. If that was you, sign in to reach the "
                "community."
            )
        )
    if invitation.is_expired:
        raise InvitationInvalid(str(EXPIRED))
    return invitation


def accept_invitation(*, actor, invitation: Invitation, accepted_norms_version: int) -> Membership:
    """Take the seat an invitation gives: exactly the role it names, once."""
    if normalize_email(actor.email) != invitation.email:
        raise InvitationInvalid(
            _("This invitation was sent to a different address. Sign in as %(email)s to use it.")
            % {"email": invitation.email}
        )
    if invitation.invited_by_id is not None and invitation.invited_by_id == actor.pk:
        raise InvitationInvalid(
            _("You made this invitation, so it cannot seat you: a seat is given by someone else.")
        )
    community = invitation.community
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise InvitationInvalid(_("This invitation has already been used."))
        if locked.is_expired:
            raise InvitationInvalid(str(EXPIRED))
        inviter = locked.invited_by
        if locked.role == Membership.Role.DELEGATE:
            membership = _seat_delegate(actor=actor, invitation=locked)
        else:
            membership = _seat(
                community=community,
                user=actor,
                role=locked.role,
                actor=actor,
                how="invitation_accepted",
                seated_by=inviter,
                via=Membership.SeatedVia.INVITATION,
                invitation=locked,
                invited_by=inviter.name if inviter is not None else "",
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


def _seat_delegate(*, actor, invitation: Invitation) -> Membership:
    """Take a delegate's seat through the principal named in `invitation`,
    while the principal still holds theirs. Announced to the facilitators."""
    principal = (
        Membership.objects.filter(pk=invitation.principal_id, community=invitation.community_id)
        .select_related("user")
        .first()
    )
    if not holds_own_seat(principal) or principal.user_id == actor.pk:
        raise InvitationInvalid(
            _(
                "The member you were to read for is no longer in the community, so this "
                "invitation gives nothing. Ask a facilitator if you should still take part."
            )
        )
    inviter = invitation.invited_by
    return _seat(
        community=invitation.community,
        user=actor,
        role=Membership.Role.DELEGATE,
        actor=actor,
        how="invitation_accepted",
        seated_by=inviter,
        via=Membership.SeatedVia.DELEGATE,
        principal=principal,
        invitation=invitation,
        announced=True,
        invited_by=inviter.name if inviter is not None else "",
        principal_name=principal.user.name,
    )


def revoke_invitation(*, actor, invitation: Invitation) -> None:
    if not permissions.can(actor, "community.invite", invitation.community):
        raise NotAllowed(_("Only a facilitator can withdraw invitations."))
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
        if status == Membership.Status.REMOVED:
            # Someone removed cannot come back by an invitation sent earlier.
            _use_up_invitations(community=membership.community, user=membership.user)
        membership_ended.send(sender=Membership, membership=membership)
        # A delegate's standing ends with their principal's.
        _end_delegates(membership, when=membership.ended_at)
        _recount(membership.community)
        entry = record(
            actor=actor,
            action=action,
            community=membership.community,
            subject=membership.user,
            reason=reason,
        )
        if actor.pk != membership.user_id and permissions.is_site_admin(actor):
            # What a site admin does to someone's membership is announced
            # (who and what; the reason stays in the audit log).
            announce(entry)
    permissions.forget_standings(membership.user)


def leave(*, actor, community: Community, successor: Membership | None = None) -> None:
    """Leave a community. The last facilitator names a successor among the
    active members, who becomes facilitator in the same transaction."""
    membership = Membership.objects.filter(community=community, user=actor).first()
    if membership is None or not permissions.can(actor, "community.leave", community):
        raise NotAllowed(_("You are not a member of this community."))
    with transaction.atomic():
        if is_last_facilitator(membership):
            if successor is None:
                raise LastFacilitator(
                    _(
                        "You are the last facilitator of %(name)s. Choose a member to hand "
                        "over to, and they become facilitator as you leave."
                    )
                    % {"name": community.name}
                )
            _hand_over(actor=actor, community=community, successor=successor)
        _end(
            membership=membership,
            status=Membership.Status.LEFT,
            actor=actor,
            reason="",
            action="membership.left",
        )


def successor_candidates(community: Community):
    """Who a last facilitator may hand over to: active members."""
    return (
        Membership.objects.filter(
            community=community, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE
        )
        .select_related("user")
        .order_by("user__display_name", "pk")
    )


def _hand_over(*, actor, community: Community, successor: Membership) -> None:
    if (
        successor.community_id != community.pk
        or not successor_candidates(community).filter(pk=successor.pk).exists()
    ):
        raise LastFacilitator(_("Choose an active member of this community to hand over to."))
    successor.role = Membership.Role.FACILITATOR
    successor.save(update_fields=["role"])
    membership_role_changed.send(
        sender=Membership, membership=successor, old_role=Membership.Role.MEMBER
    )
    _recount(community)
    entry = record(
        actor=actor,
        action="membership.role_changed",
        community=community,
        subject=successor.user,
        old=Membership.Role.MEMBER,
        new=Membership.Role.FACILITATOR,
        handover=True,
    )
    announce(entry)
    permissions.forget_standings(successor.user)


def set_on_leave(*, actor, community: Community, on_leave: bool) -> Membership:
    """Go on leave (`on_leave`) or come back from it. On leave a member still
    reads and is still counted, but takes no part until they come back."""
    if not on_leave:
        return come_back(actor=actor, community=community)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(community=community, user=actor, status__in=Membership.SEATED)
            .first()
        )
        if membership is None:
            raise NotAllowed(_("You are not a member of this community."))
        if membership.status == Membership.Status.ON_LEAVE:
            raise NotAllowed(_("You are already on leave from this community."))
        membership.status = Membership.Status.ON_LEAVE
        membership.save(update_fields=["status"])
        record(actor=actor, action="membership.on_leave", community=community, subject=actor)
    permissions.forget_standings(actor)
    return membership


def come_back(*, actor, community: Community) -> Membership:
    """End one's own leave: the member takes part again as before, with the
    role they had (a delegate named meanwhile keeps reading for them)."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(community=community, user=actor, status__in=Membership.SEATED)
            .first()
        )
        if membership is None:
            raise NotAllowed(_("You are not a member of this community."))
        if membership.status != Membership.Status.ON_LEAVE:
            raise NotAllowed(_("You are not on leave from this community."))
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status"])
        record(actor=actor, action="membership.returned", community=community, subject=actor)
    permissions.forget_standings(actor)
    return membership


def remove_member(*, actor, membership: Membership, reason: str) -> None:
    if not permissions.can(actor, "community.manage", membership.community):
        raise NotAllowed(_("Only a facilitator can remove members."))
    if not reason.strip():
        raise NotAllowed(_("Please give a reason; the member and the audit log will show it."))
    if not membership.is_current:
        raise NotAllowed(_("This person is no longer a member."))
    if is_last_facilitator(membership):
        raise LastFacilitator(
            _(
                "%(person)s is the last facilitator of %(name)s. "
                "Make another member facilitator first."
            )
            % {"person": membership.user.name, "name": membership.community.name}
        )
    _end(
        membership=membership,
        status=Membership.Status.REMOVED,
        actor=actor,
        reason=reason.strip(),
        action="membership.removed",
    )
    # A request left waiting (a guest presenter's) ends with the removal, so
    # nobody approves the removed person back in by an old request.
    JoinRequest.objects.filter(
        community=membership.community, user=membership.user, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.DECLINED, decided_at=timezone.now(), decided_by=actor)
    permissions.forget_standings(membership.user)
    transaction.on_commit(lambda: tasks.tell_removed_member.enqueue(membership.pk))


def change_role(*, actor, membership: Membership, role: str) -> Membership:
    """Change a current member's role. Announced to the facilitators. A role
    change never gives a seat: a guest presenter becomes a member through an
    invitation or an approved request. Nobody raises their own role, and the
    last facilitator is never demoted (name another first)."""
    community = membership.community
    if not permissions.can(actor, "community.manage", community):
        raise NotAllowed(_("Only a facilitator can change roles."))
    if role not in Membership.Role.values or role == Membership.Role.DELEGATE:
        raise NotAllowed(_("Choose member, facilitator or guest presenter."))
    if not membership.is_current:
        raise NotAllowed(_("This person is no longer a member."))
    if role == membership.role:
        return membership
    if membership.user_id == actor.pk and not (
        permissions.standing(actor, community).is_facilitator
        and membership.role == Membership.Role.FACILITATOR
    ):
        raise NotAllowed(_("You cannot change your own role; a facilitator of the community can."))
    if membership.role not in permissions.READING_ROLES:
        raise NotAllowed(
            _(
                "A guest presenter becomes a member only by accepting an invitation as a "
                "member or through an approved request. Invite them from this page."
            )
        )
    if is_last_facilitator(membership):
        raise LastFacilitator(
            _(
                "%(person)s is the last facilitator of %(name)s. "
                "Make another member facilitator first."
            )
            % {"person": membership.user.name, "name": community.name}
        )
    old = membership.role
    with transaction.atomic():
        if old not in COUNTED_ROLES and role in COUNTED_ROLES:
            # A delegate sat in their principal's seat; a seat of their own counts.
            _check_caps(_locked_community(community), membership.user, actor=actor)
        membership.role = role
        membership.principal = None
        membership.save(update_fields=["role", "principal"])
        membership_role_changed.send(sender=Membership, membership=membership, old_role=old)
        if not holds_own_seat(membership):
            # A guest presenter reads nothing, so nobody reads through them.
            _end_delegates(membership, when=timezone.now())
        _recount(community)
        entry = record(
            actor=actor,
            action="membership.role_changed",
            community=community,
            subject=membership.user,
            old=old,
            new=role,
        )
        announce(entry)
    permissions.forget_standings(membership.user)
    return membership


def invite_delegate(*, actor, community: Community, email: str, principal: Membership):
    """A facilitator invites someone to read on behalf of a principal member
    (through the principal's seat: they count towards no cap). Like every
    seat, it is taken by accepting the invitation; the facilitator hears the
    same answer whether or not the address has an account."""
    if not permissions.can(actor, "community.appoint_delegate", community):
        raise NotAllowed(_("Only a facilitator of the community can appoint delegates."))
    email = normalize_email(email)
    if email in addresses_of(actor):
        raise NotAllowed(_("You cannot appoint yourself as a delegate."))
    if principal.community_id != community.pk or not holds_own_seat(principal):
        raise NotAllowed(_("The principal must be a current member or facilitator."))
    if email in addresses_of(principal.user):
        raise NotAllowed(_("A member cannot be their own delegate."))
    with transaction.atomic():
        Invitation.objects.filter(
            community=community, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            community=community,
            email=email,
            role=Membership.Role.DELEGATE,
            principal=principal,
            invited_by=actor,
        )
        record(
            actor=actor,
            action="invitation.sent",
            community=community,
            email=email,
            role=Membership.Role.DELEGATE,
            principal=principal.user.name,
        )
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation.pk))
    return invitation
