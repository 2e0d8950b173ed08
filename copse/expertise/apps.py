from django.apps import AppConfig


class ExpertiseConfig(AppConfig):
    name = "copse.expertise"
    label = "expertise"

    def ready(self) -> None:
        # This app's group on the search page (copse/search/sources.py).
        from copse.expertise import search_index
        from copse.expertise.search import EXPERTISE
        from copse.search.sources import register

        search_index.connect()
        register(EXPERTISE)
