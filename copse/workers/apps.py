from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "copse.workers"
    label = "workers"
    verbose_name = "Workers and health"
