"""What a proposal changes in Copse when it passes, by kind.

`prepare` checks and stores what a new proposal would change, before it is
saved; `apply` makes the change inside the transaction that closes it as
passed; `after_closing` tidies up after one that did not pass or was
withdrawn. A change that can no longer be made (the norms moved on since
the proposal was written) is not forced: the proposal records why in
`apply_problem` (in English, read in each reader's language) and the
facilitators see it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.decisions.models import Proposal


class ChangeError(UserFacingError):
    title = _("The proposal could not be saved")
    status = 400


K = Proposal.Kind


# --- prepare: check what a new proposal would change ---------------------------------


def prepare(proposal: Proposal, change: dict) -> None:
    community = proposal.community
    if proposal.kind == K.NORMS:
        proposal.norms_text = (change.get("norms_text") or "").strip()
        proposal.norms_base_version = community.norms_version
        check_norms_text(proposal, proposal.norms_text)
        proposal.amendment = change.get("amendment")
    elif proposal.kind == K.GOALS:
        proposal.new_purpose = (change.get("new_purpose") or "").strip()
        proposal.new_goals = (change.get("new_goals") or "").strip()
        if not proposal.new_purpose and not proposal.new_goals:
            raise ChangeError(gettext("Write the new purpose, the new goals, or both."))
        if proposal.new_purpose == community.purpose and proposal.new_goals in (
            "",
            community.goals,
        ):
            raise ChangeError(
                gettext("Nothing changed: that is what the purpose and goals say now.")
            )
    elif proposal.kind == K.VISIBILITY:
        visibility = change.get("new_visibility") or ""
        listed = change.get("new_listed")
        if visibility and visibility not in permissions.VISIBILITIES:
            raise ChangeError(gettext("Choose open, members or confidential."))
        if visibility == community.visibility:
            visibility = ""
        if listed is not None and listed == community.listed:
            listed = None
        if not visibility and listed is None:
            raise ChangeError(
                gettext("Nothing changed: choose a visibility or listing other than today's.")
            )
        proposal.new_visibility, proposal.new_listed = visibility, listed
        if opens_up(proposal):
            # Less private is for everyone to consent to, never a count or one person.
            proposal.rule = Proposal.Rule.CONSENT
    elif proposal.kind == K.FACILITATOR:
        nominee = change.get("nominee")
        if nominee is None:
            raise ChangeError(gettext("Choose the member you nominate."))
        standing = permissions.standing(nominee, community)
        permissions.forget_standings(nominee)
        if not standing.is_active_contributor:
            raise ChangeError(
                gettext("%(name)s is not an active member of %(community)s.")
                % {"name": nominee.name, "community": community.name}
            )
        if standing.is_facilitator:
            raise ChangeError(
                gettext("%(name)s is already a facilitator.") % {"name": nominee.name}
            )
        proposal.nominee = nominee
    proposal.peer_nomination = change.get("peer_nomination")


def check_norms_text(proposal: Proposal, text: str) -> None:
    if not text:
        raise ChangeError(gettext("Write the norms as they would read if this passes."))
    current = proposal.community.norms_versions.order_by("-number").first()
    if current is not None and current.body.strip() == text.strip():
        raise ChangeError(gettext("Nothing changed: that is the text of the current norms."))


def opens_up(proposal: Proposal) -> bool:
    """Whether a visibility proposal makes the community less private: a
    lower visibility, or listing an unlisted community."""
    community = proposal.community
    lower = bool(proposal.new_visibility) and permissions.visibility_rank(
        proposal.new_visibility
    ) < permissions.visibility_rank(community.visibility)
    listing = proposal.new_listed is True and not community.listed
    return lower or listing


# --- apply: a proposal passed ----------------------------------------------------------


def apply(proposal: Proposal) -> None:
    handler = _APPLY.get(proposal.kind)
    if handler is None:
        return
    problem = handler(proposal)
    proposal.apply_problem = problem or ""
    proposal.applied_at = None if problem else timezone.now()
    proposal.save(update_fields=["apply_problem", "applied_at"])


def _apply_norms(proposal: Proposal) -> str:
    from copse.norms.services import publish_decided_norms

    community = proposal.community
    if community.norms_version != (proposal.norms_base_version or 0):
        _reopen_amendment(proposal)
        return gettext_noop(
            "The norms changed while this proposal was open, so its text was not published: "
            "a facilitator can publish it after merging the two."
        )
    publish_decided_norms(
        community=community,
        body=proposal.norms_text,
        change_note=_decided_note(proposal),
        proposer=proposal.proposed_by,
        proposal_id=proposal.pk,
    )
    if proposal.amendment_id:
        from copse.decisions.models import Amendment

        Amendment.objects.filter(pk=proposal.amendment_id).update(
            status=Amendment.Status.ADOPTED, decided_at=timezone.now()
        )
    return ""


def _decided_note(proposal: Proposal) -> str:
    """The new version's change note, kept for every member: the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Decided by the members: %(title)s") % {"title": proposal.title}


def _apply_goals(proposal: Proposal) -> str:
    from copse.communities.services import apply_decided_settings

    changes = {}
    if proposal.new_purpose:
        changes["purpose"] = proposal.new_purpose
    if proposal.new_goals:
        changes["goals"] = proposal.new_goals
    apply_decided_settings(
        community=proposal.community,
        changes=changes,
        proposer=proposal.proposed_by,
        proposal_id=proposal.pk,
    )
    return ""


def _apply_visibility(proposal: Proposal) -> str:
    from copse.communities.services import apply_decided_settings

    if proposal.rule != Proposal.Rule.CONSENT and opens_up(proposal):
        # It was more private when proposed, so a count or a facilitator could
        # decide it; the community was made more private still since, and
        # applying it now would open it up without everyone's consent.
        return gettext_noop(
            "The community was made more private while this proposal was open, so this "
            "change would now make it less private, which only the members' consent does. "
            "It was not applied: propose it again, to be decided by consent."
        )
    changes = {}
    if proposal.new_visibility:
        changes["visibility"] = proposal.new_visibility
    if proposal.new_listed is not None:
        changes["listed"] = proposal.new_listed
    apply_decided_settings(
        community=proposal.community,
        changes=changes,
        proposer=proposal.proposed_by,
        proposal_id=proposal.pk,
    )
    return ""


def _apply_facilitator(proposal: Proposal) -> str:
    # The nominee must accept (`services.answer_nomination`); they are told by
    # `tasks.tell_of_closing`.
    return ""


def _apply_admission(proposal: Proposal) -> str:
    from copse.memberships.services import admit_by_members

    return admit_by_members(join_request=proposal.join_request, proposal_id=proposal.pk)


_APPLY = {
    K.NORMS: _apply_norms,
    K.GOALS: _apply_goals,
    K.VISIBILITY: _apply_visibility,
    K.FACILITATOR: _apply_facilitator,
    K.ADMISSION: _apply_admission,
}


def seat_nominee(proposal: Proposal) -> None:
    from copse.communities.services import promote_elected_facilitator

    promote_elected_facilitator(
        community=proposal.community, user=proposal.nominee, proposal_id=proposal.pk
    )


def _reopen_amendment(proposal: Proposal) -> None:
    """An amendment put to a proposal that did not change the norms is open again."""
    if proposal.amendment_id:
        from copse.decisions.models import Amendment

        Amendment.objects.filter(pk=proposal.amendment_id, status="proposed").update(
            status=Amendment.Status.OPEN
        )


def after_closing(proposal: Proposal) -> None:
    """It did not pass or was withdrawn: an admission declines the request."""
    if proposal.kind == K.ADMISSION and proposal.join_request_id:
        from copse.memberships.services import decline_by_members

        decline_by_members(join_request=proposal.join_request, proposal_id=proposal.pk)
    if proposal.kind == K.NORMS:
        _reopen_amendment(proposal)
