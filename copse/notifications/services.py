"""Creating and clearing notifications. Called from background tasks."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists, Q
from django.utils import timezone

from copse.core import permissions
from copse.core.storage import write_if_possible
from copse.notifications.models import Notification
from copse.notifications.signals import notified


def notify(
    *, user, kind: str, target, actor=None, read_action: str, again: bool = False
) -> Notification | None:
    """Notify `user` about `target` if they may read it now (`read_action`),
    never about their own doing, and at most once per kind and target; with
    `again`, an existing one is brought back to the top as unread instead."""
    if user is None or not user.is_active or (actor is not None and actor.pk == user.pk):
        return None
    permissions.forget_standings(user)
    if not permissions.can(user, read_action, target):
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                community_id=_community_id(target),
                kind=kind,
                actor=actor,
                target_type=ContentType.objects.get_for_model(target),
                target_id=target.pk,
            )
    except IntegrityError:
        if not again:
            return None
        Notification.objects.filter(
            user=user,
            kind=kind,
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
        ).update(created_at=timezone.now(), read_at=None, actor=actor)
        notification = Notification.objects.filter(
            user=user, kind=kind, target_id=target.pk, target_type__model=target._meta.model_name
        ).first()
    if notification is not None:
        transaction.on_commit(lambda: notified.send(sender=Notification, notification=notification))
    return notification


def _community_id(target) -> int:
    # A notice about a community itself (a norms review) has the community as its target.
    if target._meta.label_lower == "communities.community":
        return target.pk
    return target.community_id


def withdraw(*, kind: str, target) -> int:
    """Take back the notices of `kind` about `target` (what they told is no
    longer so, as feedback no longer shared), so no count still holds them."""
    content_type = ContentType.objects.get_for_model(target)
    deleted, _ = Notification.objects.filter(
        kind=kind, target_type=content_type, target_id=target.pk
    ).delete()
    return deleted


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_about(user, *, thread_model, thread_ref, posts) -> Exists:
    """Whether `user` has an unread notification about a thread (`thread_ref`,
    an OuterRef to its id) or any of `posts` (a query of its posts' ids), as
    a subquery: the thread page reads it with the thread, and marks read
    (`mark_read_about`) only when it is true."""
    types = ContentType.objects.get_for_models(thread_model, posts.model)
    return Exists(
        Notification.objects.filter(user=user, read_at__isnull=True).filter(
            Q(target_type=types[thread_model], target_id=thread_ref)
            | Q(target_type=types[posts.model], target_id__in=posts)
        )
    )


def mark_read_about(*, user, targets: dict) -> None:
    """Mark read `user`'s unread notifications about any of `targets`
    ({model: ids, or a query of them}), as they open the page that shows
    them (a thread and its posts). One UPDATE however many there are; done
    while a page is read, so a refused write only leaves them unread."""
    if not user.is_authenticated or not targets:
        return
    if getattr(user, "copse_has_unread_notices", None) is False:
        return  # nothing unread at all: no write on this read
    types = ContentType.objects.get_for_models(*targets)
    about = Q()
    for model, ids in targets.items():
        if hasattr(ids, "values_list"):
            ids = ids.values_list("pk", flat=True)
        about |= Q(target_type=types[model], target_id__in=ids)
    write_if_possible(
        f"notifications read user={user.pk}",
        lambda: Notification.objects.filter(about, user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        ),
    )
    forget_unread(user)


def mark_read(*, user, notification_id: int) -> None:
    """Done as the notification is followed (a GET): if the database refuses
    the write, the notification stays unread and the link still works."""
    write_if_possible(
        f"notification read notification={notification_id}",
        lambda: Notification.objects.filter(
            user=user, pk=notification_id, read_at__isnull=True
        ).update(read_at=timezone.now()),
    )
    forget_unread(user)


def forget_unread(user) -> None:
    """Call after marking notices read within a request: the navigation
    counts them again."""
    for name in ("copse_unread_notices", "copse_has_unread_notices"):
        if hasattr(user, name):
            delattr(user, name)
