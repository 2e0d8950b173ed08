"""The version of what a meeting page keeps between requests.

The meeting page keeps its parts (agenda, feedback, who is coming, files,
summary, action items) in the per-process fragment cache, keyed by
`Meeting.version` and `Meeting.updated_at` (read with the meeting, which the
page loads anyway) and by what decides what the viewer may see or do there
(meetings/page.py). Every write that changes one of those parts raises the
version in the writing transaction, so the next request reads and renders
them again; a save of the meeting itself moves `updated_at`.

Rows saved or deleted one by one raise it through `follow` (post_save and
post_delete); services that write with `update()` call `changed` or
`changed_where` themselves.
"""

from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save


def _meetings():
    from copse.meetings.models import Meeting

    return Meeting.objects


def changed(*meeting_ids) -> None:
    ids = [pk for pk in meeting_ids if pk is not None]
    if ids:
        _meetings().filter(pk__in=ids).update(version=F("version") + 1)


def changed_where(meeting_ids: QuerySet) -> None:
    """Raise the version of the meetings a subquery names (one statement)."""
    _meetings().filter(pk__in=meeting_ids).update(version=F("version") + 1)


def _meeting_changed(sender, instance, **kwargs) -> None:
    # A save that left `updated_at` alone (`update_fields` without it) must
    # still show; a full save moves both.
    changed(instance.pk)


def _part_changed(sender, instance, **kwargs) -> None:
    changed(instance.meeting_id)


def _feedback_changed(sender, instance, **kwargs) -> None:
    from copse.meetings.models import AgendaItem

    changed_where(AgendaItem.objects.filter(pk=instance.agenda_item_id).values("meeting_id"))


def follow() -> None:
    """Raise a meeting's version whenever it or one of its parts is saved or
    deleted."""
    from copse.meetings import models

    post_save.connect(_meeting_changed, sender=models.Meeting, dispatch_uid="meeting-version")
    for model in (
        models.AgendaItem,
        models.Rsvp,
        models.Material,
        models.ActionItem,
        models.SummaryComment,
    ):
        uid = f"meeting-version-{model._meta.label}"
        post_save.connect(_part_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_part_changed, sender=model, dispatch_uid=uid)
    uid = "meeting-version-feedback"
    post_save.connect(_feedback_changed, sender=models.PresentationFeedback, dispatch_uid=uid)
    post_delete.connect(_feedback_changed, sender=models.PresentationFeedback, dispatch_uid=uid)
