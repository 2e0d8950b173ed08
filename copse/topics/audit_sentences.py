"""How topic actions read in the audit log."""

from copse.audit.sentences import Ref, register


def _topic(key: str) -> Ref:
    return Ref(
        "topics.Topic",
        key=key,
        permission="topic.read",
        hidden="a topic",
        name=lambda topic: f"“{topic.title}”",
        link=False,
    )


register(
    "topic.status_changed",
    "{actor} moved the topic {topic} from {previous} to {status}",
    topic=_topic("topic_id"),
)
register("topic.added_for_review", "The topic {topic} was added for review", topic=_topic("topic"))
