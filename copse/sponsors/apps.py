from django.apps import AppConfig


class SponsorsConfig(AppConfig):
    name = "copse.sponsors"
    label = "sponsors"
    verbose_name = "Sponsor's report"
