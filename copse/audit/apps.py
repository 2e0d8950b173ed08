from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "copse.audit"
    label = "audit"
