"""Reads about mail: as seen by one person, and who gets a community's mail."""

import time

from django.db.models import Count, Q

from copse.core import permissions
from copse.mailing.compose import content_level
from copse.mailing.models import (
    DEFAULT_MODE,
    CommunityDelivery,
    DeliveryMode,
    MailSettings,
    OutgoingMessage,
)


def preferences_of(user):
    """The person's default and, for each community they are seated in, the
    mode that applies there (their choice or the default)."""
    from copse.communities.models import Community

    mine = MailSettings.objects.filter(user=user).first()
    default = mine.default_mode if mine else DEFAULT_MODE
    chosen = dict(CommunityDelivery.objects.filter(user=user).values_list("community_id", "mode"))
    communities = list(
        Community.objects.filter(pk__in=permissions.seated_community_ids(user)).order_by("name")
    )
    for community in communities:
        community.mail_mode = chosen.get(community.pk, default)
        community.mail_mode_is_default = community.pk not in chosen
    return {"settings": mine, "default": default, "communities": communities}


def mail_mode_in(user, community) -> tuple[str, bool]:
    """The person's mail mode for `community` and whether it is their
    default rather than a choice made there: one query."""
    from django.db.models import OuterRef, Subquery

    from copse.accounts.models import User

    chosen, default = User.objects.filter(pk=user.pk).annotate(
        chosen=Subquery(
            CommunityDelivery.objects.filter(user=OuterRef("pk"), community=community).values(
                "mode"
            )[:1]
        ),
        default=Subquery(
            MailSettings.objects.filter(user=OuterRef("pk")).values("default_mode")[:1]
        ),
    ).values_list("chosen", "default").first() or (None, None)
    default = default or DEFAULT_MODE
    return (chosen or default), chosen is None


def recipients_with_mode(community, mode: str):
    """Active users whose mail from `community` is `mode` (their choice there,
    or else their default), who may receive its mail now, and whose address
    does not bounce."""
    from copse.accounts.models import User

    chose_mode = CommunityDelivery.objects.filter(community=community, mode=mode).values("user_id")
    chose_other = (
        CommunityDelivery.objects.filter(community=community).exclude(mode=mode).values("user_id")
    )
    if mode == DEFAULT_MODE:
        # People who never saved settings have the model's default.
        by_default = ~Q(pk__in=MailSettings.objects.exclude(default_mode=mode).values("user_id"))
    else:
        by_default = Q(pk__in=MailSettings.objects.filter(default_mode=mode).values("user_id"))
    bouncing = MailSettings.objects.filter(bouncing_since__isnull=False).values("user_id")
    return (
        User.objects.filter(is_active=True, pk__in=permissions.mail_receivers(community))
        .filter(Q(pk__in=chose_mode) | (by_default & ~Q(pk__in=chose_other)))
        .exclude(pk__in=bouncing)
    )


def every_message_recipients(community):
    return recipients_with_mode(community, DeliveryMode.EVERY)


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


# --- Inbound mail ---------------------------------------------------------------------


def original_for(viewer, inbound_id: int):
    """The message a post was made from, for the post's author only."""
    from django.http import Http404

    from copse.mailing.models import InboundMessage

    row = (
        InboundMessage.objects.select_related("post__thread__community")
        .filter(pk=inbound_id, outcome=InboundMessage.Outcome.POSTED, post__isnull=False)
        .first()
    )
    if row is None or row.user_id != getattr(viewer, "pk", None):
        raise Http404
    permissions.require_or_404(viewer, "post.view_original", row.post)
    return row


def originals_of(viewer, posts) -> dict[int, int]:
    """{post id: inbound message id} for the viewer's own posts among
    `posts` that came by mail, in one query."""
    from copse.mailing.models import InboundMessage

    mine = [post.pk for post in posts if post.author_id and post.author_id == viewer.pk]
    if not mine or not viewer.is_authenticated:
        return {}
    return dict(
        InboundMessage.objects.filter(
            post_id__in=mine, user=viewer, outcome=InboundMessage.Outcome.POSTED
        ).values_list("post_id", "pk")
    )


def is_bouncing(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return MailSettings.objects.filter(user=user, bouncing_since__isnull=False).exists()


BOUNCE_SESSION_KEY = "copse_cached_mail_bouncing"
BOUNCE_CHECK_SECONDS = 300


def bouncing_for_banner(request) -> bool:
    """Whether to show the "your address bounces" banner. A bounce arrives by
    mail at any time; asking the database on every page would cost every page
    a query, so the answer is kept in the session for five minutes (a new
    sign-in asks again)."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return False
    session = getattr(request, "session", None)
    if session is None:
        return is_bouncing(user)
    now = int(time.time())
    checked = session.get(BOUNCE_SESSION_KEY)
    if (
        isinstance(checked, list)
        and len(checked) == 2
        and 0 <= now - checked[0] < BOUNCE_CHECK_SECONDS
    ):
        return bool(checked[1])
    bouncing = is_bouncing(user)
    session[BOUNCE_SESSION_KEY] = [now, bouncing]
    return bouncing


def subscription_offer(token: str):
    """(community, address) a subscribe link names, while it is valid and the
    community still lets anyone join by mail; else None."""
    from django.contrib.auth.models import AnonymousUser

    from copse.communities.models import Community
    from copse.mailing import tokens

    data = tokens.read_subscribe_token(token)
    if not data:
        return None
    community = Community.objects.filter(pk=data.get("c")).first()
    if (
        community is None
        or community.join_policy != "open"
        or not permissions.can(AnonymousUser(), "community.view", community)
    ):
        return None
    return community, str(data.get("e", ""))


SENT_PAGE = 30


def mail_sent_to(user, *, before: int | None = None):
    """Mail Copse sent `user`, or is about to, newest first, in pages keyed
    by id. Returns (rows, id to pass as `before` for the next page or None)."""
    rows = (
        OutgoingMessage.objects.filter(
            recipient=user, state__in=[OutgoingMessage.State.SENT, OutgoingMessage.State.QUEUED]
        )
        .select_related("community")
        .order_by("-id")
    )
    if before:
        rows = rows.filter(pk__lt=before)
    rows = list(rows[: SENT_PAGE + 1])
    more = len(rows) > SENT_PAGE
    rows = rows[:SENT_PAGE]
    return rows, (rows[-1].pk if more else None)
