"""Site administrators keep the list of organisations."""

from django.db import transaction

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.names import MESSAGE as HEADER_NAME_MESSAGE
from copse.core.names import has_control_characters
from copse.organisations.models import Organisation


def save_organisation(*, actor, organisation: Organisation) -> Organisation:
    if not permissions.can(actor, "programme.manage"):
        raise UserFacingError("Only a site administrator can change organisations.")
    if has_control_characters(organisation.name):
        raise UserFacingError(HEADER_NAME_MESSAGE)
    created = organisation.pk is None
    with transaction.atomic():
        organisation.save()
        record(
            actor=actor,
            action="organisation.created" if created else "organisation.changed",
            name=organisation.name,
            kind=organisation.kind,
        )
    return organisation
