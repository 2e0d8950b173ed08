"""How API tokens read in the audit log. Never the token itself."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copse.audit.sentences import register

# What a token may do.
SCOPES = {
    "read": pgettext_lazy("audit: API token scope", "read"),
    "write": pgettext_lazy("audit: API token scope", "write"),
    "admin": pgettext_lazy("audit: API token scope", "site administration"),
}

register(
    "api_token.created",
    _("{actor} made an API token “{name}” ({scopes}, {days} days)"),
    words={"scopes": SCOPES},
)
register("api_token.revoked", _("{actor} revoked the API token “{name}”"))
