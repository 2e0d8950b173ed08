from django.apps import AppConfig


class NormsConfig(AppConfig):
    name = "copse.norms"
    label = "norms"
