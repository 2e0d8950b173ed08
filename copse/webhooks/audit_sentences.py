"""How webhooks read in the audit log: the receiving host, never the whole
address (it may hold a token) and never the secret."""

from copse.audit.sentences import register

register("webhook.created", "{actor} added a webhook sending to {host} ({events})")
register("webhook.changed", "{actor} saved the webhook sending to {host} (changed: {fields})")
register("webhook.secret_rotated", "{actor} rotated the secret of the webhook sending to {host}")
register("webhook.deleted", "{actor} deleted the webhook sending to {host}")
