"""How trust pulses read in the audit log. Never an answer, never who answered."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register(
    "pulse.scheduled",
    _("{actor} scheduled a trust pulse, open from {opens_on} to {closes_on}"),
)
register(
    "pulse.cancelled",
    _("{actor} cancelled a trust pulse (answers deleted: {answers_deleted})"),
)
