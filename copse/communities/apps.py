from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "copse.communities"
    label = "communities"
