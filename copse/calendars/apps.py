from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "copse.calendars"
    label = "calendars"
