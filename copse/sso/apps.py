from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "copse.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from copse.sso import receivers  # noqa: F401
