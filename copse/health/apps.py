from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "copse.health"
    label = "health"
    verbose_name = "Community health"
