"""The trust pulse: a short anonymous survey whose answers no query can join
to a person."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PulsesConfig(AppConfig):
    name = "copse.pulses"
    label = "pulses"
    verbose_name = _("Trust pulses")

    def ready(self):
        # The notice that a pulse opened, by mail.
        from copse.pulses import mail

        mail.register()
