"""What a person's connected sign-in providers are called, even one the site
no longer configures (allauth's own names for it need its configuration)."""

from django import template

from copse.organisations.providers import configured_providers

register = template.Library()


def _address(extra_data) -> str:
    # allauth keeps what the provider said: OpenID Connect's userinfo and ID
    # token claims, or a SAML assertion's attributes.
    if not isinstance(extra_data, dict):
        return ""
    for claims in (extra_data.get("userinfo"), extra_data.get("id_token"), extra_data):
        if isinstance(claims, dict) and isinstance(claims.get("email"), str):
            return claims["email"]
    return ""


@register.simple_tag
def connected_providers(accounts):
    """[(account, provider name, address the provider gave)] for a person's
    SocialAccounts."""
    names = configured_providers()
    return [
        (
            account,
            names.get(account.provider, f"{account.provider} (no longer offered here)"),
            _address(account.extra_data),
        )
        for account in accounts
    ]
