"""The link an invitation mails: a signed token that names the invitation."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

INVITATION_SALT = "copse.invitation"


def invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def invitation_url(invitation) -> str:
    path = reverse("memberships:invitation", kwargs={"token": invitation_token(invitation)})
    return f"{settings.BASE_URL}{path}"
