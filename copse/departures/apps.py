from django.apps import AppConfig


class DeparturesConfig(AppConfig):
    """Deleting one's own account. It sits above every app whose rows it
    erases or anonymises, and none of them imports it."""

    name = "copse.departures"
    label = "departures"
