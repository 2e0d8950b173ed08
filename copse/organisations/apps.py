from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "copse.organisations"
    label = "organisations"
