"""Background work after a post: notify watchers, mentioned members, the helped."""

from django_tasks import task


@task()
def notify_about_post(post_id: int) -> int:
    """Replies notify the thread's watchers; @mentions notify those who may read it.

    Permission is checked per recipient by notifications.services.notify, so a
    mention of a non-member in a confidential community notifies no one.
    """
    from copse.accounts.models import User
    from copse.conversations.models import Post, Subscription
    from copse.conversations.rendering import mentioned_handles
    from copse.notifications.services import notify

    post = Post.objects.select_related("thread__community", "author").filter(pk=post_id).first()
    if post is None or post.removed_at is not None:
        return 0
    sent = 0
    muted = set(
        Subscription.objects.filter(thread=post.thread, level="muted").values_list(
            "user_id", flat=True
        )
    )
    handles = mentioned_handles(post.body)
    mentioned = User.objects.filter(handle__in=handles, is_active=True) if handles else []
    mentioned_ids = set()
    for user in mentioned:
        if user.pk in muted:
            continue
        if notify(
            user=user, kind="mention", target=post, actor=post.author, read_action="post.read"
        ):
            mentioned_ids.add(user.pk)
            sent += 1
    if post.position > 0:
        watchers = (
            Subscription.objects.filter(thread=post.thread, level="watching")
            .exclude(user_id__in=mentioned_ids)
            .select_related("user")
        )
        for subscription in watchers:
            if notify(
                user=subscription.user,
                kind="reply",
                target=post,
                actor=post.author,
                read_action="post.read",
            ):
                sent += 1
    return sent


@task()
def notify_helpful(post_id: int, actor_id: int) -> int:
    from copse.accounts.models import User
    from copse.conversations.models import Post
    from copse.notifications.services import notify

    post = Post.objects.select_related("thread__community", "author").filter(pk=post_id).first()
    actor = User.objects.filter(pk=actor_id).first()
    if post is None or post.author is None:
        return 0
    return int(
        bool(
            notify(
                user=post.author, kind="helpful", target=post, actor=actor, read_action="post.read"
            )
        )
    )


# Read by copse.workers.recovery when a worker dies mid-task.
SAFE_TO_REPEAT = {
    "notify_about_post": "a notification is unique per person, kind and post",
    "notify_helpful": "a notification is unique per person, kind and post",
}
