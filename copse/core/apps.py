from django.apps import AppConfig
from django.db.models.signals import post_migrate


def create_cache_table(sender, using="default", verbosity=1, **kwargs) -> None:
    """`copse migrate` makes the database cache's table (sign-in rate limits are
    counted there unless Redis is configured); it does nothing when it exists.

    post_migrate is sent once per app with models; copse.core has none, so this
    answers the sessions app's, which every migrate sends."""
    if sender.label != "sessions":
        return
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class CoreConfig(AppConfig):
    name = "copse.core"
    label = "core"

    def ready(self) -> None:
        from copse.core import permissions, signals, viewer  # noqa: F401  (signals: security logging)

        viewer.register(permissions.standing_hints)

        post_migrate.connect(create_cache_table, dispatch_uid="copse-create-cache-table")
