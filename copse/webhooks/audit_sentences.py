"""How webhooks read in the audit log: the receiving host, never the whole
address (it may hold a token) and never the secret."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register("webhook.created", _("{actor} added a webhook sending to {host} ({events})"))
register("webhook.changed", _("{actor} saved the webhook sending to {host} (changed: {fields})"))
register("webhook.secret_rotated", _("{actor} rotated the secret of the webhook sending to {host}"))
register("webhook.deleted", _("{actor} deleted the webhook sending to {host}"))
