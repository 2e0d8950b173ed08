from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "copse.mailing"
    label = "mailing"

    def ready(self) -> None:
        from copse.conversations.signals import post_published
        from copse.notifications.signals import notified

        post_published.connect(_fan_out, dispatch_uid="mailing-fan-out")
        notified.connect(_mail_notice, dispatch_uid="mailing-notice")


def _fan_out(sender, post, **kwargs):
    from copse.mailing.tasks import fan_out_post

    fan_out_post.enqueue(post.pk)


def _mail_notice(sender, notification, **kwargs):
    from copse.mailing.notices import enqueue_notice
    from copse.mailing.tasks import start_senders

    if enqueue_notice(notification):
        start_senders(1)
