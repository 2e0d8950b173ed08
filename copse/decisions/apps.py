from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "copse.decisions"
    label = "decisions"

    def ready(self) -> None:
        # Join requests in a community whose members decide become proposals.
        from copse.decisions import admissions

        admissions.connect()
