from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "copse.organisations"
    label = "organisations"

    def ready(self):
        from copse.organisations import receivers  # noqa: F401
