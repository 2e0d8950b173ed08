from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "copse.search"
    label = "search"
