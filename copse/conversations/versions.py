"""A thread's tags are part of what its version stands for.

The thread list's rows and the thread page's outline are cached keyed by
`Thread.version`, and both show the thread's tags. Tags are set through the
many-to-many relation (when a thread starts, when it moves, or by anyone
editing it in the admin), so a change of that relation, from either side,
raises the version of the threads it touched; a renamed tag raises the
version of every thread that carries it (one statement; renames are rare).
"""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_save


def _threads():
    from copse.conversations.models import Thread

    return Thread.objects


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    from copse.conversations.models import Thread

    if not reverse:
        if action != "pre_clear":
            _threads().filter(pk=instance.pk).update(version=F("version") + 1)
        return
    # From the tag's side: `pk_set` names the threads, except on a clear,
    # which is seen before it happens.
    if action == "pre_clear":
        touched = Thread.objects.filter(tags=instance).values("pk")
    elif action == "post_clear":
        return
    else:
        touched = list(pk_set or ())
    _threads().filter(pk__in=touched).update(version=F("version") + 1)


def _tag_saved(sender, instance, created, **kwargs) -> None:
    if not created:
        _threads().filter(tags=instance).update(version=F("version") + 1)


def follow() -> None:
    from copse.conversations.models import Tag, Thread

    m2m_changed.connect(_tags_changed, sender=Thread.tags.through, dispatch_uid="thread-tags")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="thread-tag-renamed")
