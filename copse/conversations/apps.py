from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "copse.conversations"
    label = "conversations"
