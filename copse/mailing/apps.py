from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "copse.mailing"
    label = "mailing"
