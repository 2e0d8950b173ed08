"""How norms actions read in the audit log."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register("norms.published", _("{actor} published version {version} of the norms of {community}"))
register("norms.accepted", _("{subject} accepted version {version} of the norms of {community}"))
register(
    "norms.decided",
    _("Version {version} of the norms of {community} took effect by the members' decision"),
)
