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
from django.utils.translation import gettext as _

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
        return str(Membership.Role(value).label).lower()
    except ValueError:
        return str(value)


def _choice(model_field: str, value) -> str:
    from copse.communities.models import Community

    choices = {
        "visibility": Community.Visibility,
        "join_policy": Community.JoinPolicy,
    }[model_field]
    try:
        return str(choices(value).label).split(":")[0].strip().lower()
    except ValueError:
        return str(value)


def _setting_change(field: str, old, new) -> str:
    if field == "listed":
        return _("listed it in the directory") if new else _("took it out of the directory")
    if field == "library_sharing_allowed":
        if new:
            return _("allowed authors to share library items beyond it")
        return _("stopped library items being shared beyond it")
    values = {"old": _choice(field, old), "new": _choice(field, new)}
    if field == "visibility":
        return _("changed its visibility from %(old)s to %(new)s") % values
    return _("changed its join policy from %(old)s to %(new)s") % values


def sentence(entry) -> str:
    """One line saying who did what, for the inbox and the notice mail, in
    the language active where it is shown."""
    actor = entry.actor.name if entry.actor else _("Someone")
    subject = entry.subject.name if entry.subject else _("someone")
    detail = entry.detail or {}
    action = entry.action
    names = {"actor": actor, "subject": subject}
    if action == "membership.facilitator_appointed":
        if detail.get("old"):
            return _("%(actor)s made %(subject)s a facilitator (was %(old)s).") % {
                **names,
                "old": _role(detail["old"]),
            }
        return _("%(actor)s seated %(subject)s as a first facilitator.") % names
    if action == "membership.role_changed":
        roles = {**names, "old": _role(detail.get("old")), "new": _role(detail.get("new"))}
        if detail.get("handover"):
            return (
                _(
                    "%(actor)s changed %(subject)s's role from %(old)s to %(new)s, "
                    "handing over as they left."
                )
                % roles
            )
        return _("%(actor)s changed %(subject)s's role from %(old)s to %(new)s.") % roles
    if action == "membership.invitation_accepted":
        inviter = detail.get("invited_by") or _("someone")
        if detail.get("principal_name"):
            return _(
                "%(subject)s accepted an invitation from %(inviter)s to read on behalf of "
                "%(principal)s."
            ) % {**names, "inviter": inviter, "principal": detail["principal_name"]}
        return _("%(subject)s joined as %(role)s through an invitation from %(inviter)s.") % {
            **names,
            "role": _role(detail.get("role")),
            "inviter": inviter,
        }
    if action == "membership.approved":
        return _("%(actor)s approved %(subject)s's request to join.") % names
    if action == "membership.delegate_appointed":
        principal = detail.get("principal_name") or _("a member")
        return _("%(actor)s appointed %(subject)s to read on behalf of %(principal)s.") % {
            **names,
            "principal": principal,
        }
    if action == "membership.removed":
        return _("%(actor)s removed %(subject)s.") % names
    if action == "membership.declined":
        return _("%(actor)s declined %(subject)s's request to join.") % names
    if action == "membership.joined":
        return _("%(subject)s joined.") % names
    if action == "invitation.sent":
        return _("%(actor)s invited %(email)s as %(role)s.") % {
            **names,
            "email": detail.get("email"),
            "role": _role(detail.get("role")),
        }
    if action == "community.settings_changed":
        changes = detail.get("changes") or {}
        parts = [
            _setting_change(field, *changes[field])
            for field in ANNOUNCED_SETTINGS
            if field in changes
        ]
        if parts:
            # The changes, each a phrase, joined by commas: "listed it in the
            # directory, changed its visibility from members to open".
            return _("%(actor)s %(changes)s.") % {**names, "changes": ", ".join(parts)}
        return _("%(actor)s changed the settings.") % names
    return f"{actor}: {action}."


def settings_change_is_announced(changed: dict) -> bool:
    return any(field in changed for field in ANNOUNCED_SETTINGS)
