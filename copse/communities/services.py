"""Creating communities and changing their settings."""

from django.db import IntegrityError, transaction

from copse.audit.services import record
from copse.communities import privacy
from copse.communities.models import Community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.names import MESSAGE as HEADER_NAME_MESSAGE
from copse.core.names import has_control_characters
from copse.memberships.models import Membership

SETTINGS_FIELDS = (
    "name",
    "purpose",
    "goals",
    "topic_areas",
    "kind",
    "visibility",
    "listed",
    "join_policy",
    "eligibility",
    "per_organisation_cap",
    "size_cap",
    "meeting_cadence",
)


class CommunityError(UserFacingError):
    title = "The community could not be saved"


class LoweringNotConfirmed(CommunityError):
    title = "Confirm that the community becomes less private"


def create_community(*, actor, facilitators=(), **fields) -> Community:
    if not permissions.can(actor, "programme.manage"):
        raise CommunityError("Only a site administrator can create communities.")
    if has_control_characters(fields.get("name", "")):
        raise CommunityError(HEADER_NAME_MESSAGE)
    try:
        with transaction.atomic():
            community = Community.objects.create(**fields)
            record(
                actor=actor, action="community.created", community=community, slug=community.slug
            )
            for user in facilitators:
                appoint_facilitator(actor=actor, community=community, user=user)
    except IntegrityError as exc:
        raise CommunityError(
            f"The address /c/{fields.get('slug')}/ is taken; choose another."
        ) from exc
    return community


def update_settings(
    *, actor, community: Community, confirm_lowering: bool = False, **changes
) -> Community:
    if not permissions.can(actor, "community.manage", community):
        raise CommunityError("Only a facilitator can change the settings.")
    if has_control_characters(changes.get("name", "")):
        raise CommunityError(HEADER_NAME_MESSAGE)
    before = {f: getattr(community, f) for f in SETTINGS_FIELDS}
    for field, value in changes.items():
        if field not in SETTINGS_FIELDS:
            raise CommunityError(f"{field} is not a setting.")
        setattr(community, field, value)
    changed = {
        f: [before[f], getattr(community, f)] for f in changes if before[f] != getattr(community, f)
    }
    if not changed:
        return community
    # Less private: only after the facilitator saw what that opens (privacy.Lowering).
    lowering = "visibility" in changed and privacy.lowers(*changed["visibility"])
    if lowering and not confirm_lowering:
        for field, value in before.items():
            setattr(community, field, value)
        raise LoweringNotConfirmed("Confirm first: earlier conversations keep their privacy.")
    with transaction.atomic():
        community.save(update_fields=list(changed))
        if "visibility" in changed:
            privacy.after_change(actor=actor, community=community, before=before["visibility"])
        record(
            actor=actor, action="community.settings_changed", community=community, changes=changed
        )
    return community


def appoint_facilitator(*, actor, community: Community, user) -> Membership:
    """Make `user` a facilitator, seating them if needed (caps do not apply:
    a programme must be able to staff a full community)."""
    if not permissions.can(actor, "community.manage", community):
        raise CommunityError("Only a site administrator or a facilitator can appoint facilitators.")
    from copse.memberships.services import _recount

    with transaction.atomic():
        membership, _ = Membership.objects.get_or_create(
            community=community, user=user, defaults={"organisation": user.organisation}
        )
        membership.role = Membership.Role.FACILITATOR
        membership.status = Membership.Status.ACTIVE
        membership.ended_at = None
        membership.end_reason = ""
        membership.save()
        _recount(community)
        record(
            actor=actor,
            action="membership.facilitator_appointed",
            community=community,
            subject=user,
        )
    permissions.forget_standings(user)
    return membership
