"""How membership and invitation actions read in the audit log."""

from copse.audit.sentences import register

ROLES = {
    "member": "a member",
    "facilitator": "a facilitator",
    "delegate": "a delegate",
    "guest_presenter": "a guest presenter",
}
VIA = {
    "invitation": "by invitation",
    "approval": "by an approved request",
    "open_join": "as the community is open",
    "members_decided": "by the members' decision",
    "first_facilitator": "as its first facilitator",
    "delegate": "as a delegate",
}

register("membership.joined", "{subject} joined {community} as {role}", words={"role": ROLES})
register(
    "membership.approved",
    "{actor} let {subject} in to {community} as {role}",
    words={"role": ROLES},
)
register(
    "membership.admitted_by_members",
    "{subject} joined {community} as {role} by the members' decision",
    words={"role": ROLES},
)
register("membership.admitted", "The members admitted {subject} to {community}")
register(
    "membership.invitation_accepted",
    "{subject} accepted an invitation and joined {community} as {role}",
    words={"role": ROLES},
)
register(
    "membership.facilitator_appointed",
    "{actor} seated {subject} as facilitator of {community}",
)
register(
    "membership.facilitator_elected",
    "{subject} became a facilitator of {community} by the members' decision",
)
register("membership.requested", "{subject} asked to join {community}")
register("membership.request_withdrawn", "{subject} withdrew their request to join {community}")
register("membership.declined", "{actor} declined {subject}'s request to join {community}")
register("membership.left", "{subject} left {community}")
register("membership.removed", "{actor} removed {subject} from {community} (reason: {reason})")
register("membership.on_leave", "{subject} went on leave from {community}")
register("membership.returned", "{subject} came back from leave to {community}")
register(
    "membership.role_changed",
    "{actor} made {subject} {new} (was {old}) in {community}",
    words={"new": ROLES, "old": ROLES},
)
register(
    "membership.delegate_appointed", "{actor} appointed {subject} as a delegate in {community}"
)
register(
    "invitation.sent",
    "{actor} invited {email} to {community} as {role}",
    words={"role": ROLES},
)
register("invitation.revoked", "{actor} withdrew the invitation to {email} for {community}")
