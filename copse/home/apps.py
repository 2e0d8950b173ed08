from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "copse.home"
    label = "home"
