"""The norms come back for review: every six or twelve months after the
current version was published (`Community.norms_review_months`, 0 never),
the daily sweep reminds the facilitators and puts "Review our norms" on the
topics backlog with the current text linked. `NormsReview` logs each
reminder, so a period is reminded once however often the sweep runs.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext

from copse.decisions.models import NormsReview

TOPIC_TITLE = gettext_noop("Review our norms")


def period_start(published_at: dt.datetime, months: int, now: dt.datetime) -> dt.datetime | None:
    """The start of the review period `now` is in: the latest whole multiple of
    `months` after `published_at`, or None before the first one."""
    if months <= 0 or now < published_at + relativedelta(months=months):
        return None
    elapsed = (now.year - published_at.year) * 12 + now.month - published_at.month
    periods = elapsed // months
    start = published_at + relativedelta(months=periods * months)
    # Counting months overshoots when the day of the month has not come yet.
    while start > now:
        periods -= 1
        start = published_at + relativedelta(months=periods * months)
    return start


def remind_due(*, now: dt.datetime) -> int:
    """One reminder per community whose review period began since its last."""
    from copse.communities.models import Community
    from copse.norms.models import NormsVersion

    published = NormsVersion.objects.filter(
        community=OuterRef("pk"), number=OuterRef("norms_version")
    ).values("published_at")[:1]
    last = (
        NormsReview.objects.filter(community=OuterRef("pk"))
        .order_by("-reminded_at")
        .values("reminded_at")[:1]
    )
    candidates = (
        Community.objects.filter(norms_review_months__gt=0, norms_version__gt=0)
        .annotate(published_at=Subquery(published), last_reminded=Subquery(last))
        .order_by("pk")
    )
    count = 0
    for community in candidates:
        if community.published_at is None:
            continue
        start = period_start(community.published_at, community.norms_review_months, now)
        if start is None:
            continue
        if community.last_reminded is not None and community.last_reminded >= start:
            continue
        if _remind(community, start):
            count += 1
    return count


def _remind(community, start: dt.datetime) -> bool:
    from copse.communities.models import Community
    from copse.memberships.models import Membership
    from copse.notifications.services import notify
    from copse.topics.services import add_system_topic

    with transaction.atomic():
        # Two sweeps at once: the second waits here and then finds the log entry.
        Community.objects.select_for_update().filter(pk=community.pk).first()
        if NormsReview.objects.filter(community=community, reminded_at__gte=start).exists():
            return False
        url = reverse("norms:version", args=[community.slug, community.norms_version])
        # Written once for every member, so in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            topic = add_system_topic(
                community=community,
                title=gettext(TOPIC_TITLE),
                why=ngettext(
                    "We agreed to look at our norms every month. Version %(version)s has "
                    "been in force since %(day)s: does it still say how we work?",
                    "We agreed to look at our norms every %(months)s months. Version "
                    "%(version)s has been in force since %(day)s: does it still say how we "
                    "work?",
                    community.norms_review_months,
                )
                % {
                    "months": community.norms_review_months,
                    "version": community.norms_version,
                    "day": date_format(community.published_at, "j F Y"),
                },
                link=url,
                link_text=gettext("Read the current norms (version %(version)s)")
                % {"version": community.norms_version},
            )
        review = NormsReview.objects.create(
            community=community, norms_version=community.norms_version, topic=topic
        )
        facilitators = [
            m.user
            for m in Membership.objects.filter(
                community=community, role="facilitator", status="active"
            ).select_related("user")
        ]
    for user in facilitators:
        # One notice per period: each names its own review, which leads to the norms.
        notify(
            user=user,
            kind="norms_review",
            target=review,
            read_action="community.view_norms_acceptance",
        )
    return True
