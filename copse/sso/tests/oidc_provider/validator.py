from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """The claims each test person's spec gives: `email`, `email_verified`
    (whatever JSON value the spec holds, so a test can send the string
    "false") and `name`."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    def get_additional_claims(self, request):
        person = next(
            p for p in settings.SPEC["people"] if p["username"] == request.user.get_username()
        )
        return {key: person[key] for key in ("email", "email_verified", "name") if key in person}
