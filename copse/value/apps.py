"""What taking part gave members, in the five cycles of the value-creation
framework, with the amounts saved and the time put in."""

from django.apps import AppConfig


class ValueConfig(AppConfig):
    name = "copse.value"
    label = "value"
    verbose_name = "Value stories"

    def ready(self) -> None:
        # Conversations and meetings announce what happened; they never import value.
        from copse.conversations.signals import reply_marked_helpful
        from copse.meetings.signals import attendance_recorded

        reply_marked_helpful.connect(_ask_after_helpful, dispatch_uid="value-ask-after-helpful")
        attendance_recorded.connect(_ask_after_meeting, dispatch_uid="value-ask-after-meeting")


def _ask_after_helpful(sender, post, actor, **kwargs):
    from copse.value.services import ask_after_helpful

    ask_after_helpful(post=post, actor=actor)


def _ask_after_meeting(sender, meeting, user, **kwargs):
    from copse.value.services import ask_after_meeting

    ask_after_meeting(meeting=meeting, user=user)
