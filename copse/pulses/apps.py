from django.apps import AppConfig


class PulsesConfig(AppConfig):
    name = "copse.pulses"
    label = "pulses"
    verbose_name = "Trust pulses"
