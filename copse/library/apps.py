from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "copse.library"
    label = "library"

    def ready(self):
        # The library's group on the search page (copse/search/sources.py).
        from copse.library.search import LIBRARY
        from copse.search.sources import register

        register(LIBRARY)
