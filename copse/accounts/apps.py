from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "copse.accounts"
    label = "accounts"
