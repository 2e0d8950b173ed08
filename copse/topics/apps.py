from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "copse.topics"
    label = "topics"
