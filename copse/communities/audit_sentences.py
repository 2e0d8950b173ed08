"""How a community's own actions read in the audit log."""

from copse.audit.sentences import register

register("community.created", "{actor} created {community}")
# The names of the settings, not their values: a purpose or a name may say
# more than the reader of the log may read.
register("community.settings_changed", "{actor} changed the settings of {community}: {changes}")
register(
    "community.settings_decided",
    "The settings of {community} changed by the members' decision: {changes}",
)
