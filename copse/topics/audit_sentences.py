"""How topic actions read in the audit log."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copse.audit.sentences import Ref, register

# A topic's status, as the sentence says it ("from proposed to scheduled").
STATUSES = {
    "proposed": pgettext_lazy("audit: topic status", "proposed"),
    "scheduled": pgettext_lazy("audit: topic status", "scheduled"),
    "covered": pgettext_lazy("audit: topic status", "covered"),
    "parked": pgettext_lazy("audit: topic status", "parked"),
}


def _topic(key: str) -> Ref:
    return Ref(
        "topics.Topic",
        key=key,
        permission="topic.read",
        hidden=_("a topic"),
        name=lambda topic: f"“{topic.title}”",
        link=False,
    )


register(
    "topic.status_changed",
    _("{actor} moved the topic {topic} from {previous} to {status}"),
    topic=_topic("topic_id"),
    words={"previous": STATUSES, "status": STATUSES},
)
register(
    "topic.added_for_review", _("The topic {topic} was added for review"), topic=_topic("topic")
)
