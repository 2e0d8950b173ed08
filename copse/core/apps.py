from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "copse.core"
    label = "core"

    def ready(self) -> None:
        from copse.core import signals  # noqa: F401  (connects security logging)
