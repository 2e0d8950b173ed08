from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "copse.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from copse.api import receivers  # noqa: F401
