"""Background work for mail: fan a post out to the outbox, deliver the outbox,
and plan digests every hour."""

import datetime as dt

from django_tasks import task


@task()
def fan_out_post(post_id: int) -> int:
    from copse.conversations.models import Post
    from copse.mailing.outbound import enqueue_post

    post = Post.objects.select_related("thread__community").filter(pk=post_id).first()
    if post is None or post.removed_at is not None:
        return 0
    queued = enqueue_post(post)
    start_senders(queued)
    return queued


def start_senders(queued: int) -> None:
    """Enough delivery tasks for `queued` new messages, up to
    COPSE_MAIL_SENDERS: with several workers, each sends its own batches over
    its own SMTP connection, which is how a large digest run keeps up."""
    from django.conf import settings

    from copse.mailing.outbound import BATCH

    if queued <= 0:
        return
    for _ in range(min(settings.COPSE_MAIL_SENDERS, -(-queued // BATCH))):
        deliver_outbox.enqueue()


@task()
def deliver_outbox() -> int:
    """Send everything due now, then come back when the next retry is due."""
    from django.utils import timezone
    from django_tasks import default_task_backend

    from copse.mailing.outbound import deliver_all, next_due_at

    sent = deliver_all()["sent"]
    later = next_due_at()
    if later is not None and default_task_backend.supports_defer:
        deliver_outbox.using(run_after=max(later, timezone.now())).enqueue()
    return sent


DIGEST_PLANNING_EVERY = dt.timedelta(hours=1)


@task()
def plan_digests() -> int:
    """Queue the digests now due in any time zone, send them, forget mail
    older than COPSE_MAIL_KEEP_DAYS, and come back at the top of the next hour."""
    from django.utils import timezone
    from django_tasks import default_task_backend

    from copse.mailing import digests
    from copse.mailing.outbound import forget_old
    from copse.mailing.services import forget_expired_holds

    added = digests.plan_digests()
    start_senders(added)
    forget_old()
    forget_expired_holds()
    if default_task_backend.supports_defer:
        now = timezone.now()
        next_hour = now.replace(minute=1, second=0, microsecond=0) + DIGEST_PLANNING_EVERY
        plan_digests.using(run_after=next_hour).enqueue()
    return added


def ensure_digest_planning() -> bool:
    """Start the hourly planning unless it is already waiting in the queue.
    Called when a worker starts; a duplicate is harmless (planning is
    idempotent) but wasteful."""
    from django_tasks import default_task_backend

    if not default_task_backend.supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=f"{__name__}.plan_digests", status__in=["READY", "RUNNING"]
    ).exists()
    if not waiting:
        plan_digests.enqueue()
    return not waiting


# Waits between attempts at an answer to incoming mail (a confirmation or a
# short refusal) while the mail server cannot be reached.
ANSWER_RETRIES = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
]


@task()
def send_answer(*, to: str, subject: str, body: str, headers: dict, attempt: int = 0) -> bool:
    """Send one answer to incoming mail; on a mail server error, try again
    later. An answer carries no community content, so it may wait in the
    queue as text."""
    import logging
    import smtplib

    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.utils import timezone
    from django_tasks import default_task_backend

    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        log = logging.getLogger("copse.mail")
        if attempt < len(ANSWER_RETRIES) and default_task_backend.supports_defer:
            send_answer.using(run_after=timezone.now() + ANSWER_RETRIES[attempt]).enqueue(
                to=to, subject=subject, body=body, headers=headers, attempt=attempt + 1
            )
            log.warning("answer to inbound mail deferred (attempt %s): %s", attempt + 1, exc)
        else:
            log.warning("answer to inbound mail given up after %s attempts: %s", attempt + 1, exc)
        return False
    return True


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "fan_out_post": "outbox rows are unique per post and recipient",
    "deliver_outbox": "rows are leased; a dead sender's lease runs out and at most "
    "RECORD_EVERY sent messages go out again",
    "plan_digests": "a digest row is unique per person, community and period",
    "send_answer": "at worst the sender gets the same short answer twice",
}
