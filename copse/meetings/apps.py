from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "copse.meetings"
    label = "meetings"
