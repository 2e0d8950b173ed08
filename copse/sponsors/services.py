"""Granting and revoking the sponsor role: site administrators only, each
change in the audit log. The role opens the programme report and nothing
else: no community, no content, no person."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.accounts.models import User
from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible")
    status = 403


class RoleUnchanged(UserFacingError):
    title = gettext_lazy("Nothing to change")
    status = 409


def _require_granter(actor) -> None:
    if not permissions.can(actor, "programme.grant_sponsor"):
        raise NotAllowed(_("Only a site administrator can grant or revoke the sponsor role."))


def grant_sponsor(*, actor, person: User) -> User:
    """Make `person` (an active account) a sponsor."""
    _require_granter(actor)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if not locked.is_active:
            raise RoleUnchanged(_("This account is not active, so it cannot be a sponsor."))
        if locked.is_sponsor:
            raise RoleUnchanged(_("%(name)s is already a sponsor.") % {"name": locked.name})
        locked.is_sponsor = True
        locked.save(update_fields=["is_sponsor"])
        record(actor=actor, action="sponsor.granted", subject=locked)
    person.is_sponsor = True
    return person


def revoke_sponsor(*, actor, person: User) -> User:
    """Take the sponsor role from `person`."""
    _require_granter(actor)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if not locked.is_sponsor:
            raise RoleUnchanged(_("%(name)s is not a sponsor.") % {"name": locked.name})
        locked.is_sponsor = False
        locked.save(update_fields=["is_sponsor"])
        record(actor=actor, action="sponsor.revoked", subject=locked)
    person.is_sponsor = False
    return person
