"""How health actions read in the audit log. The nudge's words stay out."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register("health.nudged", _("{actor} sent {subject} a nudge"))
register(
    "health.settings_changed",
    _("{actor} changed the health settings (weeks quiet: {quiet_weeks})"),
)
