from django.apps import AppConfig


class ValueConfig(AppConfig):
    name = "copse.value"
    label = "value"
    verbose_name = "Value stories"
