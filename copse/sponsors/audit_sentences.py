"""How the sponsor role's changes read in the audit log."""

from copse.audit.sentences import register

register("sponsor.granted", "{actor} made {subject} a sponsor")
register("sponsor.revoked", "{actor} took the sponsor role from {subject}")
