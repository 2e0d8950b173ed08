from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "copse.sso"
    label = "sso"
    verbose_name = "Single sign-on"
