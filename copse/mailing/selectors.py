"""Reads about mail, as seen by one person."""

from django.db.models import Count

from copse.core import permissions
from copse.mailing.compose import content_level
from copse.mailing.models import CommunityDelivery, MailSettings, OutgoingMessage


def preferences_of(user):
    """The person's default and, for each community they are seated in, the
    mode that applies there (their choice or the default)."""
    from copse.communities.models import Community

    mine = MailSettings.objects.filter(user=user).first()
    default = mine.default_mode if mine else MailSettings._meta.get_field("default_mode").default
    chosen = dict(CommunityDelivery.objects.filter(user=user).values_list("community_id", "mode"))
    communities = list(
        Community.objects.filter(pk__in=permissions.seated_community_ids(user)).order_by("name")
    )
    for community in communities:
        community.mail_mode = chosen.get(community.pk, default)
        community.mail_mode_is_default = community.pk not in chosen
    return {"settings": mine, "default": default, "communities": communities}


def outbox_summary(*, limit: int = 50):
    """For site admins: counts by state and the latest rows, without content."""
    counts = dict(
        OutgoingMessage.objects.values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    recent = list(
        OutgoingMessage.objects.select_related("recipient", "community").order_by("-id")[:limit]
    )
    return counts, recent


def level_of(community) -> str:
    return content_level(community)
