"""Telling a community's facilitators who changed who can read it.

Every seat a site admin gives (and every other decision of theirs about
someone's membership: an invitation, a declined request, a removal), every
change of role (and every delegate appointed), and every change of
visibility, listing, join policy or library sharing is
written to the audit log and announced to the community's active
facilitators: a notification in Copse pointing at the audit entry, mailed
like other notices. An announcement says only who did what to which
membership or setting: never anything members wrote.
"""

from __future__ import annotations

from django.db import transaction

# The settings whose change is announced: who can find, join and read.
ANNOUNCED_SETTINGS = ("visibility", "listed", "join_policy", "library_sharing_allowed")


def announce(entry) -> None:
    """Announce the audit `entry` to its community's facilitators after commit."""
    from copse.memberships import tasks

    entry_id = entry.pk
    transaction.on_commit(lambda: tasks.announce_to_facilitators.enqueue(entry_id))


def _role(value: str) -> str:
    from copse.memberships.models import Membership

    try:
        return Membership.Role(value).label.lower()
    except ValueError:
        return str(value)


def _choice(model_field: str, value) -> str:
    from copse.communities.models import Community

    choices = {
        "visibility": Community.Visibility,
        "join_policy": Community.JoinPolicy,
    }[model_field]
    try:
        return choices(value).label.split(":")[0].lower()
    except ValueError:
        return str(value)


def _setting_change(field: str, old, new) -> str:
    if field == "listed":
        return "listed it in the directory" if new else "took it out of the directory"
    if field == "library_sharing_allowed":
        if new:
            return "allowed authors to share library items beyond it"
        return "stopped library items being shared beyond it"
    label = "visibility" if field == "visibility" else "join policy"
    return f"changed its {label} from {_choice(field, old)} to {_choice(field, new)}"


def sentence(entry) -> str:
    """One line saying who did what, for the inbox and the notice mail."""
    actor = entry.actor.name if entry.actor else "Someone"
    subject = entry.subject.name if entry.subject else "someone"
    detail = entry.detail or {}
    action = entry.action
    if action == "membership.facilitator_appointed":
        if detail.get("old"):
            return f"{actor} made {subject} a facilitator (was {_role(detail['old'])})."
        return f"{actor} seated {subject} as a first facilitator."
    if action == "membership.role_changed":
        text = f"{actor} changed {subject}'s role from {_role(detail.get('old'))} to {_role(detail.get('new'))}"
        if detail.get("handover"):
            text += ", handing over as they left"
        return text + "."
    if action == "membership.invitation_accepted":
        inviter = detail.get("invited_by") or "someone"
        if detail.get("principal_name"):
            return (
                f"{subject} accepted an invitation from {inviter} to read on behalf of "
                f"{detail['principal_name']}."
            )
        return (
            f"{subject} joined as {_role(detail.get('role'))} through an invitation from {inviter}."
        )
    if action == "membership.approved":
        return f"{actor} approved {subject}'s request to join."
    if action == "membership.delegate_appointed":
        principal = detail.get("principal_name") or "a member"
        return f"{actor} appointed {subject} to read on behalf of {principal}."
    if action == "membership.removed":
        return f"{actor} removed {subject}."
    if action == "membership.declined":
        return f"{actor} declined {subject}'s request to join."
    if action == "membership.joined":
        return f"{subject} joined."
    if action == "invitation.sent":
        return f"{actor} invited {detail.get('email')} as {_role(detail.get('role'))}."
    if action == "community.settings_changed":
        changes = detail.get("changes") or {}
        parts = [
            _setting_change(field, *changes[field])
            for field in ANNOUNCED_SETTINGS
            if field in changes
        ]
        if parts:
            return f"{actor} {', '.join(parts)}."
        return f"{actor} changed the settings."
    return f"{actor}: {action}."


def settings_change_is_announced(changed: dict) -> bool:
    return any(field in changed for field in ANNOUNCED_SETTINGS)
