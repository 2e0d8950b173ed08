from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "copse.topics"
    label = "topics"

    def ready(self) -> None:
        from copse.memberships.signals import membership_ended

        membership_ended.connect(_forget_votes, dispatch_uid="topics-forget-votes")

        from copse.search.sources import register
        from copse.topics import search

        search.connect()

        from copse.communities import home
        from copse.topics.models import Topic

        home.follow(Topic)
        register(search.TOPICS_SOURCE)


def _forget_votes(sender, membership, **kwargs):
    from copse.topics.services import forget_votes_of

    forget_votes_of(user=membership.user, community=membership.community)
