"""How organisation actions read in the audit log (programme-wide)."""

from copse.audit.sentences import register

register("organisation.created", "{actor} added the organisation {name}")
register("organisation.changed", "{actor} changed the organisation {name}")
register(
    "organisation.verified_by_domain",
    "{subject}'s organisation, {organisation}, was verified by their address at {domain}",
)
register("organisation.domain_lost", "{subject} no longer has an address in {old}'s domain")
register(
    "organisation.verified_by_provider",
    "{subject}'s organisation, {organisation}, was verified by their sign-in through {provider}",
)
register(
    "organisation.provider_lost",
    "{subject} no longer signs in through a provider tied to {old}",
)
register("organisation.set_by_admin", "{actor} set {subject}'s organisation to {new} (was {old})")
register("organisation.change_requested", "{subject} asked to have {name} as their organisation")
register("organisation.request_withdrawn", "{subject} withdrew their organisation request")
register("organisation.left", "{subject} dropped their organisation, {old}")
register(
    "organisation.request_approved",
    "{actor} approved {subject}'s request for {requested}: their organisation is {new}",
)
register("organisation.request_declined", "{actor} declined {subject}'s request for {requested}")
