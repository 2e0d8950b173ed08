from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "copse.audit"
    label = "audit"

    def ready(self) -> None:
        # Each app says how its actions read in its own `audit_sentences`
        # module, so the audit log imports no app above it.
        autodiscover_modules("audit_sentences")
