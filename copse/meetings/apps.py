from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "copse.meetings"
    label = "meetings"

    def ready(self) -> None:
        from copse.memberships.signals import invitation_accepted

        invitation_accepted.connect(_link_presenter, dispatch_uid="meetings-link-presenter")

        from copse.meetings import search
        from copse.search.sources import register

        search.connect()

        from copse.communities import home
        from copse.meetings.models import Meeting

        home.follow(Meeting)

        from copse.meetings import versions

        versions.follow()
        register(search.MEETINGS_SOURCE)
        register(search.MATERIALS_SOURCE)


def _link_presenter(sender, invitation, membership, **kwargs):
    """An invited guest presenter accepted: give them the items that wait for them."""
    from copse.meetings.services import link_invited_presenter

    link_invited_presenter(user=membership.user, community=membership.community)
