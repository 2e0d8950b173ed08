from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "copse.mailing"
    label = "mailing"

    def ready(self) -> None:
        from copse.conversations.signals import post_published

        post_published.connect(_fan_out, dispatch_uid="mailing-fan-out")


def _fan_out(sender, post, **kwargs):
    from copse.mailing.tasks import fan_out_post

    fan_out_post.enqueue(post.pk)
