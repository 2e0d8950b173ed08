from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "copse.decisions"
    label = "decisions"

    def ready(self) -> None:
        # Proposals by mail: their notices, and answers by reply (decide+…@).
        from copse.decisions import mail

        mail.register()
        # Join requests in a community whose members decide become proposals.
        from copse.decisions import admissions

        admissions.connect()
