from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "copse.health"
    label = "health"
    verbose_name = "Community health"

    def ready(self) -> None:
        # Nudges by mail: how their notices are written.
        from copse.health import mail

        mail.register()
