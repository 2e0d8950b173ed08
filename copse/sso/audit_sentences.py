"""How connecting sign-in providers reads in the audit log (programme-wide)."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import register

register("sign_in.provider_connected", _("{subject} connected the sign-in provider {provider}"))
register(
    "sign_in.provider_disconnected", _("{subject} disconnected the sign-in provider {provider}")
)
