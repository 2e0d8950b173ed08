"""How health actions read in the audit log. The nudge's words stay out."""

from copse.audit.sentences import register

register("health.nudged", "{actor} sent {subject} a nudge")
register(
    "health.settings_changed",
    "{actor} changed the health settings: quiet after {quiet_weeks} weeks",
)
