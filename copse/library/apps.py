from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "copse.library"
    label = "library"
