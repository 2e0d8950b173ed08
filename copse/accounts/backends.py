"""Sign-in through allauth; the per-request load of the signed-in user
carries the figures every page needs (`copse.core.viewer`)."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model

from copse.core.viewer import with_page_figures


class CopseAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = with_page_figures(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
