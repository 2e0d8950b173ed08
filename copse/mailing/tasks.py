"""Background work for mail: fan a post out to the outbox, deliver the outbox."""

from django_tasks import task


@task()
def fan_out_post(post_id: int) -> int:
    from copse.conversations.models import Post
    from copse.mailing.outbound import enqueue_post

    post = Post.objects.select_related("thread__community").filter(pk=post_id).first()
    if post is None or post.removed_at is not None:
        return 0
    queued = enqueue_post(post)
    if queued:
        deliver_outbox.enqueue()
    return queued


@task()
def deliver_outbox() -> int:
    """Send everything due now, then come back when the next retry is due."""
    from django.utils import timezone
    from django_tasks import default_task_backend

    from copse.mailing.outbound import deliver_due, next_due_at

    sent = 0
    while True:
        counts = deliver_due()
        sent += counts["sent"]
        if not any(counts.values()) or counts["deferred"]:
            break
    later = next_due_at()
    if later is not None and default_task_backend.supports_defer:
        deliver_outbox.using(run_after=max(later, timezone.now())).enqueue()
    return sent
