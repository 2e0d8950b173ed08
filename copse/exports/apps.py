"""Archives of everything a community holds, for its facilitators, and of
everything about a person, for that person ("Download my data")."""

from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "copse.exports"
    label = "exports"
    verbose_name = "Exports"
