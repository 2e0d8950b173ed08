"""How API tokens read in the audit log. Never the token itself."""

from copse.audit.sentences import register

register("api_token.created", "{actor} made an API token “{name}” ({scopes}, {days} days)")
register("api_token.revoked", "{actor} revoked the API token “{name}”")
