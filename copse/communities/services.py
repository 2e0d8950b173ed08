"""Creating communities and changing their settings."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.audit.services import record
from copse.communities import privacy
from copse.communities.models import Community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.names import MESSAGE as HEADER_NAME_MESSAGE
from copse.core.names import has_control_characters
from copse.memberships.announcements import announce, settings_change_is_announced
from copse.memberships.models import Membership
from copse.memberships.signals import membership_role_changed

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
    "library_sharing_allowed",
    # How the members decide (copse/decisions).
    "who_may_propose",
    "facilitators_adopt_amendments",
    "members_nominate_peers",
    "norms_review_months",
)


class CommunityError(UserFacingError):
    title = gettext_lazy("The community could not be saved")


class MembersDecide(CommunityError):
    """Making a community less private is for its members to consent to."""

    title = gettext_lazy("The members decide this")


def create_community(*, actor, facilitators=(), **fields) -> Community:
    """A site admin creates a community and may seat its founding facilitators
    (as first facilitators: it has none yet). Never themselves."""
    if not permissions.can(actor, "programme.manage"):
        raise CommunityError(_("Only a site administrator can create communities."))
    if has_control_characters(fields.get("name", "")):
        raise CommunityError(HEADER_NAME_MESSAGE)
    if any(user.pk == actor.pk for user in facilitators):
        raise CommunityError(
            _(
                "You cannot make yourself a facilitator: a site administrator never seats "
                "themselves. Choose someone else."
            )
        )
    try:
        with transaction.atomic():
            community = Community.objects.create(**fields)
            record(
                actor=actor, action="community.created", community=community, slug=community.slug
            )
            for user in facilitators:
                _seat_first_facilitator(actor=actor, community=community, user=user)
    except IntegrityError as exc:
        raise CommunityError(
            _("The address /c/%(slug)s/ is taken; choose another.") % {"slug": fields.get("slug")}
        ) from exc
    return community


# How easy joining is; asking facilitators and asking the members rank the same.
JOIN_POLICY_RANK = {"invitation": 0, "request": 1, "members": 1, "open": 2}


def _easier_to_join(community: Community, changes: dict) -> bool:
    """Whether `changes` make the community easier to join (letting authors
    share library items beyond it counts)."""
    if changes.get("library_sharing_allowed") and not community.library_sharing_allowed:
        return True
    new = JOIN_POLICY_RANK.get(changes.get("join_policy", community.join_policy))
    old = JOIN_POLICY_RANK.get(community.join_policy)
    return new is not None and old is not None and new > old


def less_private(community: Community, changes: dict) -> bool:
    """Whether `changes` make the community less private: a lower visibility,
    or listing an unlisted community. Only a visibility proposal the members
    consented to does that (`apply_decided_settings`)."""
    if privacy.lowers(community.visibility, changes.get("visibility", community.visibility)):
        return True
    return bool(changes.get("listed")) and not community.listed


def update_settings(*, actor, community: Community, **changes) -> Community:
    """A facilitator (or a site admin) changes the settings directly. Making
    the community less private is refused: it goes through a visibility
    proposal, which passes only by the members' consent. Making it more
    private stays direct: it closes nothing anyone relied on."""
    if not permissions.can(actor, "community.manage", community):
        raise CommunityError(_("Only a facilitator can change the settings."))
    if has_control_characters(changes.get("name", "")):
        raise CommunityError(HEADER_NAME_MESSAGE)
    if less_private(community, changes):
        if permissions.can(actor, "community.open_up", community):
            raise MembersDecide(
                _(
                    "Making %(name)s less private is for its members to consent to: "
                    "propose it, and it changes if no block stands at the deadline."
                )
                % {"name": community.name}
            )
        raise MembersDecide(
            _(
                "A site administrator never makes a community less private: its members "
                "decide that by a proposal."
            )
        )
    if _easier_to_join(community, changes) and not permissions.can(
        actor, "community.open_up", community
    ):
        raise CommunityError(
            _(
                "Only the community's facilitators can make it easier to join. "
                "As a site administrator you can make it harder to join, not easier."
            )
        )
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
    with transaction.atomic():
        community.save(update_fields=list(changed))
        if "visibility" in changed:
            privacy.after_change(actor=actor, community=community, before=before["visibility"])
        entry = record(
            actor=actor, action="community.settings_changed", community=community, changes=changed
        )
        if settings_change_is_announced(changed):
            announce(entry)
    return community


def apply_decided_settings(
    *, community: Community, changes: dict, proposer, proposal_id: int
) -> Community:
    """Settings the members decided by a proposal that passed (goals and
    purpose, visibility and listing), inside the transaction that closed it.
    No facilitator's permission is asked: the members consented, and making
    the community less private only ever comes this way."""
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
    community.save(update_fields=list(changed))
    if "visibility" in changed:
        privacy.after_change(actor=proposer, community=community, before=before["visibility"])
    entry = record(
        actor=proposer,
        action="community.settings_decided",
        community=community,
        changes=changed,
        proposal=proposal_id,
    )
    if settings_change_is_announced(changed):
        announce(entry)
    return community


def promote_elected_facilitator(*, community: Community, user, proposal_id: int) -> Membership:
    """The members nominated `user` by a proposal that passed, and they accepted."""
    membership = Membership.objects.get(community=community, user=user)
    if not membership.is_current:
        raise CommunityError(
            _("%(person)s is no longer a member of %(name)s.")
            % {"person": user.name, "name": community.name}
        )
    promoted = _promote(actor=user, membership=membership)
    record(
        actor=user,
        action="membership.facilitator_elected",
        community=community,
        subject=user,
        proposal=proposal_id,
    )
    return promoted


def _facilitators(community: Community):
    return Membership.objects.filter(
        community=community, role=Membership.Role.FACILITATOR, status__in=Membership.SEATED
    )


def appoint_facilitator(*, actor, community: Community, user) -> Membership:
    """Make `user` a facilitator. A current member is promoted (a change of
    role, announced); anyone else is seated only as the first facilitator of
    a community that has none, by a site admin. Nobody appoints themselves."""
    if not permissions.can(actor, "community.manage", community):
        raise CommunityError(
            _("Only a site administrator or a facilitator can appoint facilitators.")
        )
    if user.pk == actor.pk:
        raise CommunityError(
            _(
                "You cannot appoint yourself: a seat in a community is always given by "
                "someone else, and in the open."
            )
        )
    membership = Membership.objects.filter(community=community, user=user).first()
    seated = (
        membership is not None
        and membership.is_current
        and membership.role in permissions.READING_ROLES
    )
    if seated:
        return _promote(actor=actor, membership=membership)
    if not permissions.can(actor, "community.seat_first_facilitator", community):
        raise CommunityError(
            _(
                "%(person)s is not a member of %(name)s. Invite them as a facilitator "
                "from the members page: a seat comes only from an invitation, an approved "
                "request or joining an open community."
            )
            % {"person": user.name, "name": community.name}
        )
    if _facilitators(community).exists():
        raise CommunityError(
            _(
                "%(name)s already has a facilitator, and a site administrator seats only "
                "the first. Ask its facilitators to invite %(person)s, or invite them yourself."
            )
            % {"person": user.name, "name": community.name}
        )
    with transaction.atomic():
        return _seat_first_facilitator(actor=actor, community=community, user=user)


def _seat_first_facilitator(*, actor, community: Community, user) -> Membership:
    """Caps do not apply: a programme must be able to staff a full community."""
    from copse.memberships.services import _seat

    return _seat(
        community=community,
        user=user,
        role=Membership.Role.FACILITATOR,
        actor=actor,
        how="facilitator_appointed",
        seated_by=actor,
        via=Membership.SeatedVia.FIRST_FACILITATOR,
        caps=False,
        announced=True,
    )


def _promote(*, actor, membership: Membership) -> Membership:
    from copse.memberships.services import COUNTED_ROLES, _check_caps, _locked_community, _recount

    if membership.role == Membership.Role.FACILITATOR:
        return membership
    community = membership.community
    old = membership.role
    with transaction.atomic():
        if old not in COUNTED_ROLES:
            # A delegate sat in their principal's seat; a seat of their own counts.
            _check_caps(_locked_community(community), membership.user, actor=actor)
        membership.role = Membership.Role.FACILITATOR
        membership.principal = None
        membership.save(update_fields=["role", "principal"])
        membership_role_changed.send(sender=Membership, membership=membership, old_role=old)
        _recount(community)
        entry = record(
            actor=actor,
            action="membership.facilitator_appointed",
            community=community,
            subject=membership.user,
            old=old,
        )
        announce(entry)
    permissions.forget_standings(membership.user)
    return membership
