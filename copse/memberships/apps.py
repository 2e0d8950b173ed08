from django.apps import AppConfig


class MembershipsConfig(AppConfig):
    name = "copse.memberships"
    label = "memberships"
