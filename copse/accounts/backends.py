"""Sign-in through allauth; the per-request load of the signed-in user
carries the figures every page needs (`copse.core.viewer`)."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from copse.core.viewer import load_signed_in


class CopseAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = load_signed_in(User, user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
