"""How organisation actions read in the audit log (programme-wide)."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register("organisation.created", _("{actor} added the organisation {name}"))
register("organisation.changed", _("{actor} changed the organisation {name}"))
register(
    "organisation.verified_by_domain",
    _("{subject}'s organisation, {organisation}, was verified by their address at {domain}"),
)
register("organisation.domain_lost", _("{subject} no longer has an address in {old}'s domain"))
register(
    "organisation.verified_by_provider",
    _("{subject}'s organisation, {organisation}, was verified by their sign-in through {provider}"),
)
register(
    "organisation.provider_lost",
    _("{subject} no longer signs in through a provider tied to {old}"),
)
register(
    "organisation.set_by_admin", _("{actor} set {subject}'s organisation to {new} (was {old})")
)
register("organisation.change_requested", _("{subject} asked to have {name} as their organisation"))
register("organisation.request_withdrawn", _("{subject} withdrew their organisation request"))
register("organisation.left", _("{subject} dropped their organisation, {old}"))
register(
    "organisation.request_approved",
    _("{actor} approved {subject}'s request for {requested}: their organisation is {new}"),
)
register("organisation.request_declined", _("{actor} declined {subject}'s request for {requested}"))
