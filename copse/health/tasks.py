"""Background work for health: delivering a nudge to its member.

The task takes the nudge's id and loads it fresh; `notifications.services.notify`
checks again that the member may read it (`nudge.read`: still seated), and
mailing composes the mail at send time (`health.mail`)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_nudge(nudge_id: int) -> bool:
    """The member's notification, which mailing also sends by mail."""
    from copse.health.models import Nudge
    from copse.notifications.services import notify

    nudge = Nudge.objects.select_related("community", "member", "sent_by").filter(pk=nudge_id)
    nudge = nudge.first()
    if nudge is None:
        return False
    notification = notify(
        user=nudge.member,
        kind="nudge",
        target=nudge,
        actor=nudge.sent_by,
        read_action="nudge.read",
    )
    return notification is not None


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "deliver_nudge": "a notification is unique per person, kind and nudge",
}
