"""Peer nominations: where the community allows it, a member nominates a peer
to be invited (a name, an address, why). The facilitators decide: invite,
decline with a note, or put it to the members as a free proposal.

When the members agree, a facilitator sends the invitation from the
nomination's page: an invitation always has a person who sends it (its mail
says who invited), and `memberships.services.invite` checks again, at that
moment, that the person is not already a member. Nothing is sent by itself.

The address is seen only by the nominator and the facilitators
(`nomination.read`); a proposal put to the members names the peer and the
reasons, never the address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from copse.accounts.identity import normalize_email
from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.decisions.models import PeerNomination, Proposal

MAX_NAME = 120
MAX_REASON = 4000
MAX_NOTE = 4000
# Older decided nominations the list shows.
DECIDED_SHOWN = 30


class NominationError(UserFacingError):
    title = gettext_lazy("The nomination could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


# --- Reads ------------------------------------------------------------------------------


def nomination_for(viewer, community, nomination_id: int, action: str = "nomination.read"):
    nomination = (
        PeerNomination.objects.select_related("nominated_by", "decided_by", "invitation")
        .filter(pk=nomination_id, community=community)
        .first()
    )
    if nomination is None:
        raise Http404
    nomination.community = community
    permissions.require_or_404(viewer, action, nomination)
    return nomination


def may_see_nominations(viewer, community) -> bool:
    return permissions.can(viewer, "community.nominate_peer", community) or permissions.can(
        viewer, "community.decide_nominations", community
    )


@dataclass
class NominationList:
    waiting: list
    decided: list
    all_of_them: bool  # the facilitators' view, or only the viewer's own


def nomination_list(viewer, community) -> NominationList:
    """Facilitators see every nomination; a member sees their own. Two queries
    (the nominations, and the proposals of those put to the members)."""
    everyone = permissions.can(viewer, "community.decide_nominations", community)
    mine = PeerNomination.objects.filter(community=community)
    if not everyone:
        mine = mine.filter(nominated_by_id=getattr(viewer, "pk", None) or 0)
    waiting_statuses = (PeerNomination.Status.PENDING, PeerNomination.Status.PROPOSED)
    # Everything still waiting, and only the latest decided: the database
    # never hands over a community's whole history.
    latest_decided = (
        mine.exclude(status__in=waiting_statuses)
        .order_by("-created_at", "-id")
        .values("pk")[:DECIDED_SHOWN]
    )
    rows = list(
        mine.filter(Q(status__in=waiting_statuses) | Q(pk__in=latest_decided))
        .select_related("nominated_by")
        .order_by("-created_at", "-id")
    )
    for row in rows:
        row.community = community
    _attach_proposals(rows)
    return NominationList(
        waiting=[r for r in rows if r.status in waiting_statuses],
        decided=[r for r in rows if r.status not in waiting_statuses],
        all_of_them=everyone,
    )


def _attach_proposals(rows) -> None:
    by_id = {r.pk: r for r in rows if r.status == PeerNomination.Status.PROPOSED}
    for row in rows:
        row.proposal = None
    if not by_id:
        return
    for proposal in Proposal.objects.filter(peer_nomination_id__in=by_id).order_by("created_at"):
        row = by_id[proposal.peer_nomination_id]
        proposal.community = row.community
        row.proposal = proposal


def latest_proposal(nomination: PeerNomination) -> Proposal | None:
    proposal = Proposal.objects.filter(peer_nomination=nomination).order_by("-created_at").first()
    if proposal is not None:
        proposal.community = nomination.community
    return proposal


def members_answer(nomination: PeerNomination, proposal: Proposal | None = None) -> str:
    """For one put to the members: "open", "agreed", "not_agreed", or ""."""
    if nomination.status != PeerNomination.Status.PROPOSED:
        return ""
    proposal = proposal or latest_proposal(nomination)
    if proposal is None:
        return ""
    if proposal.status == Proposal.Status.PASSED:
        return "agreed"
    if proposal.status in (Proposal.Status.NOT_PASSED, Proposal.Status.WITHDRAWN):
        return "not_agreed"
    return "open"


# --- Writes -----------------------------------------------------------------------------


def nominate(*, actor, community, name: str, email: str, reason: str) -> PeerNomination:
    if not permissions.can(actor, "community.nominate_peer", community):
        raise NotAllowed(
            gettext("Members nominate peers only where the community's settings allow it.")
            if not community.members_nominate_peers
            else gettext("Only active members who accepted the current norms nominate peers.")
        )
    name = " ".join(without_control_characters(name or "").split())
    reason = (reason or "").strip()
    if not name:
        raise NominationError(gettext("Give the name of the person you nominate."))
    if len(name) > MAX_NAME:
        raise NominationError(
            gettext("Keep the name under %(max)s characters.") % {"max": MAX_NAME}
        )
    try:
        validate_email((email or "").strip())
    except ValidationError as exc:
        raise NominationError(gettext("Enter their address, like name@example.org.")) from exc
    email = normalize_email(email)
    if not reason:
        raise NominationError(
            gettext("Say why: the facilitators, and maybe the members, decide on it.")
        )
    if len(reason) > MAX_REASON:
        raise NominationError(
            gettext("Keep the reason under %(max)s characters.") % {"max": MAX_REASON}
        )
    from copse.memberships.models import Membership

    if Membership.objects.filter(
        community=community,
        user__email=email,
        status__in=Membership.SEATED,
        role__in=permissions.READING_ROLES,
    ).exists():
        raise NominationError(
            gettext("%(name)s is already a member of %(community)s.")
            % {"name": name, "community": community.name}
        )
    try:
        with transaction.atomic():
            nomination = PeerNomination.objects.create(
                community=community, nominated_by=actor, name=name, email=email, reason=reason
            )
            record(
                actor=actor, action="nomination.made", community=community, nomination=nomination.pk
            )
    except IntegrityError as exc:
        raise NominationError(
            gettext("Someone has already nominated %(email)s; the facilitators are deciding.")
            % {"email": email}
        ) from exc
    return nomination


def _locked(nomination: PeerNomination) -> PeerNomination:
    locked = PeerNomination.objects.select_for_update().get(pk=nomination.pk)
    locked.community = nomination.community
    return locked


def _refuse_while_members_decide(nomination: PeerNomination, *, inviting: bool) -> None:
    answer = members_answer(nomination)
    if answer == "open":
        raise NominationError(gettext("The members are deciding: wait for the proposal to close."))
    if inviting and answer == "not_agreed":
        raise NominationError(
            gettext("The members did not agree to invite them. Decline the nomination with a note.")
        )
    if not inviting and answer == "agreed":
        raise NominationError(gettext("The members agreed to invite them: send the invitation."))


def invite(*, actor, nomination: PeerNomination, message: str = ""):
    """A facilitator invites the peer, through the ordinary invitation (its
    checks, its mail). A nomination put to the members waits for their yes."""
    from copse.memberships.services import invite as send_invitation

    if not permissions.can(actor, "nomination.decide", nomination):
        raise NotAllowed(gettext("The facilitators decide on nominations."))
    with transaction.atomic():
        locked = _locked(nomination)
        if locked.status not in (PeerNomination.Status.PENDING, PeerNomination.Status.PROPOSED):
            raise NominationError(gettext("This nomination has already been decided."))
        _refuse_while_members_decide(locked, inviting=True)
        invitation = send_invitation(
            actor=actor,
            community=locked.community,
            email=locked.email,
            message=(message or "").strip()[:2000],
        )
        locked.status = PeerNomination.Status.INVITED
        locked.invitation = invitation
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "invitation", "decided_by", "decided_at"])
        record(
            actor=actor,
            action="nomination.invited",
            community=locked.community,
            nomination=locked.pk,
        )
    return locked


def decline(*, actor, nomination: PeerNomination, note: str) -> PeerNomination:
    if not permissions.can(actor, "nomination.decide", nomination):
        raise NotAllowed(gettext("The facilitators decide on nominations."))
    note = (note or "").strip()
    if not note:
        raise NominationError(gettext("Say why in a note: the member who nominated them reads it."))
    if len(note) > MAX_NOTE:
        raise NominationError(
            gettext("Keep the note under %(max)s characters.") % {"max": MAX_NOTE}
        )
    with transaction.atomic():
        locked = _locked(nomination)
        if locked.status not in (PeerNomination.Status.PENDING, PeerNomination.Status.PROPOSED):
            raise NominationError(gettext("This nomination has already been decided."))
        _refuse_while_members_decide(locked, inviting=False)
        locked.status = PeerNomination.Status.DECLINED
        locked.decision_note = note
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        record(
            actor=actor,
            action="nomination.declined",
            community=locked.community,
            nomination=locked.pk,
        )
    return locked


def put_to_members(
    *, actor, nomination: PeerNomination, rule: str, deadline: dt.datetime
) -> Proposal:
    """A free proposal: "Invite <name>?" with the nominator's reasons, and
    never the address."""
    from copse.decisions.services import create_proposal

    if not permissions.can(actor, "nomination.decide", nomination):
        raise NotAllowed(gettext("The facilitators decide on nominations."))
    with transaction.atomic():
        locked = _locked(nomination)
        if locked.status != PeerNomination.Status.PENDING:
            raise NominationError(
                gettext("This nomination has already been put to the members or decided.")
            )
        # Written once for every member, so in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            who = locked.nominated_by.name if locked.nominated_by else gettext("A former member")
            title = gettext("Invite %(name)s?") % {"name": locked.name}
            said = gettext("%(who)s nominated %(name)s to be invited, and says why:") % {
                "who": who,
                "name": locked.name,
            }
        proposal = create_proposal(
            actor=actor,
            community=locked.community,
            title=title,
            body=f"{said}\n\n{locked.reason}",
            kind=Proposal.Kind.FREE,
            rule=rule,
            deadline=deadline,
            peer_nomination=locked,
        )
        locked.status = PeerNomination.Status.PROPOSED
        locked.save(update_fields=["status"])
    return proposal


def withdraw(*, actor, nomination: PeerNomination) -> PeerNomination:
    if nomination.nominated_by_id != actor.pk or nomination.status != PeerNomination.Status.PENDING:
        raise NotAllowed(
            gettext("The member who nominated someone withdraws it, before it is decided.")
        )
    with transaction.atomic():
        updated = PeerNomination.objects.filter(
            pk=nomination.pk, status=PeerNomination.Status.PENDING
        ).update(status=PeerNomination.Status.WITHDRAWN, decided_at=timezone.now())
        if not updated:
            raise NominationError(gettext("This nomination has already been decided."))
        record(
            actor=actor,
            action="nomination.withdrawn",
            community=nomination.community,
            nomination=nomination.pk,
        )
    nomination.refresh_from_db()
    return nomination
