from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "copse.backups"
    label = "backups"
