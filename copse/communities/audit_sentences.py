"""How a community's own actions read in the audit log."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register("community.created", _("{actor} created {community}"))
# The names of the settings, not their values: a purpose or a name may say
# more than the reader of the log may read.
register("community.settings_changed", _("{actor} changed the settings of {community}: {changes}"))
register(
    "community.settings_decided",
    _("The settings of {community} changed by the members' decision: {changes}"),
)
