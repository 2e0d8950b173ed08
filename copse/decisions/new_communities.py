"""Communities proposed by anyone: a signed-in person makes the case for a new
community, with a sponsor who supports it, as the Administrators' CoP began.
The case is seen by its proposer and the site admins only. A site admin
approves it (the community is created through `communities.services`, with
the proposer seated as its first facilitator) or declines it with a note;
the proposer is told by mail either way.

A site admin never decides their own proposal: approving it would seat them,
and a site admin never seats themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from copse.audit.services import record
from copse.communities.models import Community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.core.names import has_control_characters
from copse.decisions import tasks
from copse.decisions.models import CommunityProposal

# One person's cases waiting at once: enough to propose a few, not to flood the queue.
MAX_PENDING = 3
QUEUE_DECIDED_SHOWN = 30
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Each field as named in "Keep the … under … characters".
NAMES = {
    "name": gettext_lazy("name"),
    "slug": gettext_lazy("address"),
    "purpose": gettext_lazy("purpose"),
    "domain": gettext_lazy("domain"),
    "audience": gettext_lazy("audience"),
    "eligibility": gettext_lazy("eligibility"),
    "case": gettext_lazy("case"),
    "sponsor_name": gettext_lazy("sponsor name"),
    "sponsor_role": gettext_lazy("sponsor role"),
}
LIMITS = {
    "name": 120,
    "slug": 60,
    "purpose": 4000,
    "domain": 200,
    "audience": 300,
    "eligibility": 200,
    "case": 20000,
    "sponsor_name": 120,
    "sponsor_role": 200,
}
REQUIRED = {
    "name": gettext_lazy("Give the community a name."),
    "slug": gettext_lazy("Choose its address: letters, digits and hyphens."),
    "purpose": gettext_lazy("Say what the community is for."),
    "domain": gettext_lazy("Name its domain: the shared concern or field."),
    "audience": gettext_lazy("Say who it is for."),
    "case": gettext_lazy("Make the case for it: why this community, why now."),
    "sponsor_name": gettext_lazy("Name your sponsor: a person who supports the community."),
}


class CommunityProposalError(UserFacingError):
    title = gettext_lazy("The proposal could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


# --- Reads ------------------------------------------------------------------------------


def proposal_for(viewer, proposal_id: int, action: str = "community_proposal.view"):
    proposal = (
        CommunityProposal.objects.select_related("proposed_by", "decided_by", "community")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise Http404
    permissions.require_or_404(viewer, action, proposal)
    return proposal


def proposals_of(viewer):
    """The viewer's own proposals, newest first."""
    if not getattr(viewer, "is_authenticated", False):
        return CommunityProposal.objects.none()
    return CommunityProposal.objects.filter(proposed_by=viewer).select_related("community")


@dataclass
class Queue:
    pending: list
    decided: list


def queue(viewer) -> Queue:
    """The site admins' queue: every pending proposal, oldest first, and the
    latest decided. Two queries whatever the number."""
    permissions.require_or_404(viewer, "programme.manage")
    base = CommunityProposal.objects.select_related(
        "proposed_by", "proposed_by__organisation", "decided_by", "community"
    )
    return Queue(
        pending=list(base.filter(status=CommunityProposal.Status.PENDING).order_by("created_at")),
        decided=list(
            base.exclude(status=CommunityProposal.Status.PENDING).order_by("-created_at", "-id")[
                :QUEUE_DECIDED_SHOWN
            ]
        ),
    )


def pending_count() -> int:
    return CommunityProposal.objects.filter(status=CommunityProposal.Status.PENDING).count()


# --- Writes -----------------------------------------------------------------------------


def _clean(fields: dict) -> dict:
    cleaned = {}
    for key, limit in LIMITS.items():
        value = fields.get(key) or ""
        if key == "case" or key == "purpose":
            value = value.strip()
        else:
            if key == "name" and has_control_characters(value):
                raise CommunityProposalError(
                    gettext("Write the name on one line, without special characters.")
                )
            value = " ".join(without_control_characters(value).split())
        if not value and key in REQUIRED:
            raise CommunityProposalError(str(REQUIRED[key]))
        if len(value) > limit:
            raise CommunityProposalError(
                gettext("Keep the %(field)s under %(limit)s characters.")
                % {"field": NAMES[key], "limit": limit}
            )
        cleaned[key] = value
    cleaned["slug"] = cleaned["slug"].lower()
    if not _SLUG.match(cleaned["slug"]):
        raise CommunityProposalError(
            gettext(
                "Write the address with lowercase letters, digits and single hyphens, like "
                "research-administrators."
            )
        )
    if Community.objects.filter(slug=cleaned["slug"]).exists():
        raise CommunityProposalError(
            gettext("The address /c/%(slug)s/ is taken; choose another.")
            % {"slug": cleaned["slug"]}
        )
    kind = fields.get("kind") or ""
    if kind not in Community.Kind.values:
        raise CommunityProposalError(
            gettext("Choose whether it is across organisations or inside one.")
        )
    visibility = fields.get("visibility") or ""
    if visibility not in Community.Visibility.values:
        raise CommunityProposalError(
            gettext("Choose who can see it: open, members or confidential.")
        )
    cleaned["kind"], cleaned["visibility"] = kind, visibility
    email = (fields.get("sponsor_email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommunityProposalError(
                gettext("Enter the sponsor's address like name@example.org, or leave it empty.")
            ) from exc
    cleaned["sponsor_email"] = email
    return cleaned


def propose(*, actor, **fields) -> CommunityProposal:
    if not permissions.can(actor, "community.propose_new"):
        raise NotAllowed(gettext("Sign in to propose a community."))
    cleaned = _clean(fields)
    pending = CommunityProposal.objects.filter(
        proposed_by=actor, status=CommunityProposal.Status.PENDING
    ).count()
    if pending >= MAX_PENDING:
        raise CommunityProposalError(
            ngettext(
                "You have %(count)s proposal waiting for a decision. Wait for it, or withdraw it.",
                "You have %(count)s proposals waiting for a decision. Wait for those, or "
                "withdraw one.",
                pending,
            )
            % {"count": pending}
        )
    with transaction.atomic():
        proposal = CommunityProposal.objects.create(proposed_by=actor, **cleaned)
        record(
            actor=actor,
            action="community_proposal.made",
            community_proposal=proposal.pk,
            slug=proposal.slug,
        )
    return proposal


def _locked(proposal: CommunityProposal) -> CommunityProposal:
    return (
        CommunityProposal.objects.select_for_update()
        .select_related("proposed_by")
        .get(pk=proposal.pk)
    )


def _refuse_own(actor, proposal: CommunityProposal) -> None:
    if proposal.proposed_by_id == actor.pk:
        raise NotAllowed(
            gettext(
                "You made this proposal: another site administrator decides it, since approving it "
                "would seat you as its facilitator."
            )
        )


def approve(*, actor, proposal: CommunityProposal, note: str = "") -> CommunityProposal:
    """The community is created as proposed, with the proposer as its first
    facilitator; its norms and goals are theirs to write."""
    from copse.communities.services import create_community

    if not permissions.can(actor, "community_proposal.decide", proposal):
        raise NotAllowed(gettext("Site administrators decide proposals for new communities."))
    _refuse_own(actor, proposal)
    note = (note or "").strip()[:4000]
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != CommunityProposal.Status.PENDING:
            raise CommunityProposalError(gettext("This proposal has already been decided."))
        if not locked.proposed_by.is_active:
            raise CommunityProposalError(
                gettext(
                    "The proposer's account is closed, so nobody could facilitate it. Decline it."
                )
            )
        try:
            community = create_community(
                actor=actor,
                facilitators=[locked.proposed_by],
                name=locked.name,
                slug=locked.slug,
                purpose=locked.purpose,
                kind=locked.kind,
                visibility=locked.visibility,
                eligibility=locked.eligibility,
            )
        except UserFacingError as error:
            raise CommunityProposalError(error.message) from error
        locked.status = CommunityProposal.Status.APPROVED
        locked.community = community
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(
            update_fields=["status", "community", "decided_by", "decided_at", "decision_note"]
        )
        record(
            actor=actor,
            action="community_proposal.approved",
            community=community,
            community_proposal=locked.pk,
        )
    permissions.forget_standings(locked.proposed_by)
    pk = locked.pk
    transaction.on_commit(lambda: tasks.tell_of_community_decision.enqueue(pk))
    return locked


def decline(*, actor, proposal: CommunityProposal, note: str) -> CommunityProposal:
    if not permissions.can(actor, "community_proposal.decide", proposal):
        raise NotAllowed(gettext("Site administrators decide proposals for new communities."))
    _refuse_own(actor, proposal)
    note = (note or "").strip()
    if not note:
        raise CommunityProposalError(gettext("Say why in a note: the proposer reads it."))
    if len(note) > 4000:
        raise CommunityProposalError(gettext("Keep the note under 4000 characters."))
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != CommunityProposal.Status.PENDING:
            raise CommunityProposalError(gettext("This proposal has already been decided."))
        locked.status = CommunityProposal.Status.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record(actor=actor, action="community_proposal.declined", community_proposal=locked.pk)
    pk = locked.pk
    transaction.on_commit(lambda: tasks.tell_of_community_decision.enqueue(pk))
    return locked


def withdraw(*, actor, proposal: CommunityProposal) -> CommunityProposal:
    if not permissions.can(actor, "community_proposal.withdraw", proposal):
        raise NotAllowed(gettext("Only its proposer withdraws a proposal, while it waits."))
    with transaction.atomic():
        locked = _locked(proposal)
        if locked.status != CommunityProposal.Status.PENDING:
            raise CommunityProposalError(gettext("This proposal has already been decided."))
        locked.status = CommunityProposal.Status.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        record(actor=actor, action="community_proposal.withdrawn", community_proposal=locked.pk)
    return locked
