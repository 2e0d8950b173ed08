"""How norms actions read in the audit log."""

from copse.audit.sentences import register

register("norms.published", "{actor} published version {version} of the norms of {community}")
register("norms.accepted", "{subject} accepted version {version} of the norms of {community}")
register(
    "norms.decided",
    "Version {version} of the norms of {community} took effect by the members' decision",
)
