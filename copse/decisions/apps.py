from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "copse.decisions"
    label = "decisions"
