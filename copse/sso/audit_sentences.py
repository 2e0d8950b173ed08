"""How connecting sign-in providers reads in the audit log (programme-wide)."""

from copse.audit.sentences import register

register("sign_in.provider_connected", "{subject} connected the sign-in provider {provider}")
register("sign_in.provider_disconnected", "{subject} disconnected the sign-in provider {provider}")
