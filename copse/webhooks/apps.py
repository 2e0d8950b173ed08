"""Webhooks: what happens in a community, or on the whole site, sent to
another system as signed JSON, re-checked against the permission core when
it is sent."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "copse.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        # The apps below send signals; webhooks listens and they never import it.
        from copse.webhooks import receivers

        receivers.connect()
