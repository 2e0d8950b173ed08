from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "copse.notifications"
    label = "notifications"

    def ready(self) -> None:
        from copse.core import viewer
        from copse.notifications.selectors import with_unread_counts

        viewer.register(with_unread_counts)
