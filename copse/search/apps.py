from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "copse.search"
    label = "search"

    def ready(self):
        # Each app that adds a group to search registers it in its own ready();
        # see copse/search/sources.py.
        from copse.search import selectors, sources

        sources.register(selectors.CONVERSATIONS)
