from django.apps import AppConfig


class NormsConfig(AppConfig):
    name = "copse.norms"
    label = "norms"

    def ready(self) -> None:
        from copse.norms import search
        from copse.search.sources import register

        search.connect()

        from copse.communities import home
        from copse.norms.models import NormsVersion

        home.follow(NormsVersion)
        register(search.NORMS_SOURCE)
