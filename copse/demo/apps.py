from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "copse.demo"
    label = "demo"
