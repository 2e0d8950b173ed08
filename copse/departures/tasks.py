"""Background work for deleted accounts: the stored sessions go too."""

from django_tasks import task


@task()
def end_sessions(user_id: int) -> int:
    """Delete every stored session of the account. The sessions already
    gave nothing (the account is inactive and its password hash changed, so
    Django ends each at its next request); this takes away what they still
    held. A session names its user only inside its encoded data, so each
    unexpired one is read: a deletion is rare, the table is not. Returns how
    many went."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    mine = []
    unexpired = Session.objects.filter(expire_date__gt=timezone.now())
    for session in unexpired.iterator(chunk_size=2000):
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            mine.append(session.session_key)
    deleted, _ = Session.objects.filter(session_key__in=mine).delete()
    return deleted


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "end_sessions": "deleting sessions already deleted deletes nothing",
}
