from django.apps import AppConfig


class ExpertiseConfig(AppConfig):
    name = "copse.expertise"
    label = "expertise"
