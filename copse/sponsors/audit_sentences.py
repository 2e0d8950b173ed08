"""How the sponsor role's changes read in the audit log."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register("sponsor.granted", _("{actor} made {subject} a sponsor"))
register("sponsor.revoked", _("{actor} took the sponsor role from {subject}"))
