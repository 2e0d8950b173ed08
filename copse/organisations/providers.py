"""The identity providers a site has configured, as organisations may be tied
to them: allauth's list of apps, read from settings (COPSE_OIDC_PROVIDERS,
COPSE_SAML_PROVIDERS)."""


def configured_providers() -> dict[str, str]:
    """Provider id -> the name people see on its sign-in button."""
    from allauth.socialaccount.adapter import get_adapter

    return {app.provider_id or app.provider: app.name for app in get_adapter().list_apps(None)}
