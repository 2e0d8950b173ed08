"""The version of what a community's home keeps between requests.

The home's side column (next meeting, top topics, members), its meetings and
its norms are rendered once and kept in the per-process fragment cache,
keyed by `Community.home_version` (read with the community, which every page
of it loads anyway) and by what decides what the viewer may see there. Every
write that changes what those parts show raises the version in the same
transaction, so the next request renders them again.

Rows saved one by one raise it through `follow` (post_save and post_delete);
services that write with `update()` call `changed` themselves.
"""

from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save

from copse.communities.models import Community


def changed(*community_ids) -> None:
    ids = [pk for pk in community_ids if pk is not None]
    if ids:
        Community.objects.filter(pk__in=ids).update(home_version=F("home_version") + 1)


def changed_where(community_ids: QuerySet) -> None:
    """Raise the version of the communities a subquery names (one statement)."""
    Community.objects.filter(pk__in=community_ids).update(home_version=F("home_version") + 1)


def _on_row_change(sender, instance, **kwargs) -> None:
    changed(instance.community_id)


def follow(model) -> None:
    """Raise the home's version whenever a `model` row (with a community) is
    saved or deleted."""
    uid = f"community-home-{model._meta.label}"
    post_save.connect(_on_row_change, sender=model, dispatch_uid=uid)
    post_delete.connect(_on_row_change, sender=model, dispatch_uid=uid)
