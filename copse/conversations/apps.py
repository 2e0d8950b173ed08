from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "copse.conversations"
    label = "conversations"

    def ready(self) -> None:
        from copse.conversations import versions

        versions.follow()
