"""Publishing and accepting a community's ground rules."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from copse.audit.services import record
from copse.communities.models import Community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.memberships.models import Membership
from copse.norms.models import NormsAcceptance, NormsVersion


class NormsError(UserFacingError):
    title = gettext_lazy("The norms could not be saved")


def publish_norms(*, actor, community: Community, body: str, change_note: str) -> NormsVersion:
    """A new version every member must accept before contributing again.

    The publishing facilitator accepts it by publishing it.
    """
    if not permissions.can(actor, "community.publish_norms", community):
        raise NormsError(gettext("Only a facilitator can publish the norms."))
    version = _publish(actor=actor, community=community, body=body, change_note=change_note)
    permissions.forget_standings(actor)
    return version


def publish_decided_norms(
    *, community: Community, body: str, change_note: str, proposer, proposal_id: int
) -> NormsVersion:
    """Norms the members decided by a proposal that passed: published in the
    proposer's name, inside the transaction that closed the proposal. Every
    member accepts the new version as usual, the proposer included."""
    version = _publish(
        actor=proposer, community=community, body=body, change_note=change_note, accept=False
    )
    record(
        actor=proposer,
        action="norms.decided",
        community=community,
        version=version.number,
        proposal=proposal_id,
    )
    return version


def _publish(*, actor, community: Community, body: str, change_note: str, accept=True):
    body = body.strip()
    if not body:
        raise NormsError(gettext("The norms cannot be empty."))
    with transaction.atomic():
        locked = Community.objects.select_for_update().get(pk=community.pk)
        current = locked.norms_versions.order_by("-number").first()
        if current is not None and current.body.strip() == body:
            raise NormsError(
                gettext("Nothing changed: the text is the same as the current version.")
            )
        if current is not None and not change_note.strip():
            raise NormsError(
                gettext("Say in a change note what changed and why; members will read it.")
            )
        version = NormsVersion.objects.create(
            community=locked,
            number=locked.norms_version + 1,
            body=body,
            change_note=change_note.strip(),
            published_by=actor,
        )
        Community.objects.filter(pk=locked.pk).update(norms_version=version.number)
        community.norms_version = version.number
        record(
            actor=actor,
            action="norms.published",
            community=locked,
            version=version.number,
            change_note=version.change_note,
        )
        membership = (
            Membership.objects.filter(community=locked, user=actor).first() if accept else None
        )
        if membership is not None:
            _accept(membership=membership, version=version)
    return version


def _accept(*, membership: Membership, version: NormsVersion) -> None:
    NormsAcceptance.objects.get_or_create(version=version, user=membership.user)
    Membership.objects.filter(pk=membership.pk).update(norms_accepted=version.number)
    membership.norms_accepted = version.number


def accept_current_norms(*, actor, community: Community, membership: Membership | None = None):
    membership = (
        membership
        or Membership.objects.filter(
            community=community, user=actor, status__in=Membership.SEATED
        ).first()
    )
    if membership is None:
        raise NormsError(gettext("Only members accept a community's norms."))
    version = community.norms_versions.order_by("-number").first()
    if version is None:
        return None
    with transaction.atomic():
        _accept(membership=membership, version=version)
        record(
            actor=actor,
            action="norms.accepted",
            community=community,
            subject=actor,
            version=version.number,
            at=timezone.now().isoformat(),
        )
    permissions.forget_standings(actor)
    return version
