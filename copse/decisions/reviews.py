"""Decisions come back: a passed proposal with a review date returns to the
topics backlog when the date comes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from copse.decisions.models import Proposal


def bring_back_due(*, today: dt.date) -> int:
    from copse.topics.services import add_system_topic

    due = Proposal.objects.filter(
        review_on__lte=today, review_topic__isnull=True, status=Proposal.Status.PASSED
    ).select_related("community")
    count = 0
    for proposal in due:
        with transaction.atomic():
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if locked.review_topic_id is not None:
                continue
            url = reverse("decisions:detail", args=[proposal.community.slug, proposal.pk])
            # Written once for every member, so in the site's language.
            with translation.override(settings.LANGUAGE_CODE):
                topic = add_system_topic(
                    community=proposal.community,
                    title=(gettext("Review our decision: %(title)s") % {"title": proposal.title})[
                        :200
                    ],
                    why=gettext("We agreed to look at this again on %(day)s.")
                    % {"day": date_format(proposal.review_on, "j F Y")},
                    link=url,
                    link_text=gettext("Read the decision and why"),
                )
            locked.review_topic = topic
            locked.save(update_fields=["review_topic"])
            count += 1
    return count
