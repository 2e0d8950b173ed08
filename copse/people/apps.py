from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "copse.people"
    label = "people"
