"""How exports read in the audit log: who asked for an archive and who
downloaded it, never what it holds."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register(
    "export.community_requested", _("{actor} asked for an export of everything in {community}")
)
register("export.community_downloaded", _("{actor} downloaded an export of {community}"))
register("export.personal_requested", _("{actor} asked for a copy of their own data"))
register("export.personal_downloaded", _("{actor} downloaded a copy of their own data"))
