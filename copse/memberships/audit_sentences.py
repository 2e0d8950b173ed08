"""How membership and invitation actions read in the audit log."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

ROLES = {
    "member": _("a member"),
    "facilitator": _("a facilitator"),
    "delegate": _("a delegate"),
    "guest_presenter": _("a guest presenter"),
}
VIA = {
    "invitation": _("by invitation"),
    "approval": _("by an approved request"),
    "open_join": _("as the community is open"),
    "members_decided": _("by the members' decision"),
    "first_facilitator": _("as its first facilitator"),
    "delegate": _("as a delegate"),
}

register("membership.joined", _("{subject} joined {community} as {role}"), words={"role": ROLES})
register(
    "membership.approved",
    _("{actor} let {subject} in to {community} as {role}"),
    words={"role": ROLES},
)
register(
    "membership.admitted_by_members",
    _("{subject} joined {community} as {role} by the members' decision"),
    words={"role": ROLES},
)
register("membership.admitted", _("The members admitted {subject} to {community}"))
register(
    "membership.invitation_accepted",
    _("{subject} accepted an invitation and joined {community} as {role}"),
    words={"role": ROLES},
)
register(
    "membership.facilitator_appointed",
    _("{actor} seated {subject} as facilitator of {community}"),
)
register(
    "membership.facilitator_elected",
    _("{subject} became a facilitator of {community} by the members' decision"),
)
register("membership.requested", _("{subject} asked to join {community}"))
register("membership.request_withdrawn", _("{subject} withdrew their request to join {community}"))
register("membership.declined", _("{actor} declined {subject}'s request to join {community}"))
register("membership.left", _("{subject} left {community}"))
register("membership.removed", _("{actor} removed {subject} from {community} (reason: {reason})"))
register("membership.on_leave", _("{subject} went on leave from {community}"))
register("membership.returned", _("{subject} came back from leave to {community}"))
register(
    "membership.role_changed",
    _("{actor} made {subject} {new} (was {old}) in {community}"),
    words={"new": ROLES, "old": ROLES},
)
register(
    "membership.delegate_appointed", _("{actor} appointed {subject} as a delegate in {community}")
)
register(
    "invitation.sent",
    _("{actor} invited {email} to {community} as {role}"),
    words={"role": ROLES},
)
register("invitation.revoked", _("{actor} withdrew the invitation to {email} for {community}"))
