"""The norms review cadence: the daily sweep reminds the facilitators and puts
"Review our norms" on the backlog once per period, with time moved on."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from copse.decisions import norms_reviews
from copse.decisions.models import NormsReview
from copse.decisions.tasks import sweep_decisions
from copse.norms.models import NormsVersion
from copse.norms.services import publish_norms
from copse.notifications.models import Notification
from copse.topics.models import Topic


@pytest.fixture
def reviewed(roles):
    community, people = roles
    community.norms_review_months = 6
    community.save(update_fields=["norms_review_months"])
    version = publish_norms(
        actor=people["facilitator"],
        community=community,
        body="What is said here stays here.",
        change_note="",
    )
    return community, people, version


def _publish_at(version, when):
    NormsVersion.objects.filter(pk=version.pk).update(published_at=when)


def test_nothing_is_due_before_the_period_ends(reviewed):
    community, people, version = reviewed
    _publish_at(version, timezone.now() - dt.timedelta(days=150))
    assert norms_reviews.remind_due(now=timezone.now()) == 0
    assert not NormsReview.objects.exists()


def test_after_six_months_the_facilitators_are_reminded_once(
    reviewed, django_capture_on_commit_callbacks
):
    community, people, version = reviewed
    _publish_at(version, timezone.now() - dt.timedelta(days=190))
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_decisions.call()
    assert result["norms_reviews"] == 1
    topic = Topic.objects.get(community=community, title="Review our norms")
    assert topic.link == reverse("norms:version", args=[community.slug, 1])
    review = NormsReview.objects.get()
    assert review.topic == topic and review.norms_version == 1
    told = Notification.objects.filter(kind="norms_review")
    assert [n.user for n in told] == [people["facilitator"]]
    assert told.get().community == community
    # The sweep runs again tomorrow: nothing more this period.
    assert norms_reviews.remind_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert NormsReview.objects.count() == 1


def test_the_next_period_reminds_again_with_a_new_unread_notice(reviewed):
    community, people, version = reviewed
    _publish_at(version, timezone.now() - dt.timedelta(days=190))
    norms_reviews.remind_due(now=timezone.now())
    Notification.objects.update(read_at=timezone.now())
    Topic.objects.filter(title="Review our norms").update(status="parked")
    assert norms_reviews.remind_due(now=timezone.now() + dt.timedelta(days=185)) == 1
    assert NormsReview.objects.count() == 2
    newest = NormsReview.objects.order_by("-reminded_at", "-pk").first()
    notice = Notification.objects.get(kind="norms_review", target_id=newest.pk)
    assert notice.read_at is None


def test_never_means_never_and_new_norms_start_the_clock_again(reviewed):
    community, people, version = reviewed
    _publish_at(version, timezone.now() - dt.timedelta(days=400))
    community.norms_review_months = 0
    community.save(update_fields=["norms_review_months"])
    assert norms_reviews.remind_due(now=timezone.now()) == 0
    community.norms_review_months = 12
    community.save(update_fields=["norms_review_months"])
    publish_norms(
        actor=people["facilitator"], community=community, body="New text.", change_note="Redone"
    )
    assert norms_reviews.remind_due(now=timezone.now()) == 0
    assert norms_reviews.remind_due(now=timezone.now() + dt.timedelta(days=370)) == 1


def test_the_notice_is_for_the_facilitators_and_opens_the_norms(client, reviewed):
    community, people, version = reviewed
    _publish_at(version, timezone.now() - dt.timedelta(days=190))
    norms_reviews.remind_due(now=timezone.now())
    client.force_login(people["facilitator"])
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "review of the norms is due" in inbox
    notice = Notification.objects.get(kind="norms_review")
    opened = client.get(reverse("notifications:open", args=[notice.pk]))
    assert opened["Location"] == reverse("norms:current", args=[community.slug])


@given(
    published=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)),
    days=st.integers(min_value=0, max_value=3000),
    months=st.sampled_from([6, 12]),
)
def test_a_period_starts_after_publishing_and_at_most_one_cadence_ago(published, days, months):
    published = published.replace(tzinfo=dt.UTC)
    now = published + dt.timedelta(days=days)
    start = norms_reviews.period_start(published, months, now)
    # The latest whole number of cadences after publishing that is not after now.
    expected, k = None, 1
    while published + relativedelta(months=k * months) <= now:
        expected = published + relativedelta(months=k * months)
        k += 1
    assert start == expected


def _backlog(client, user, community) -> str:
    client.force_login(user)
    response = client.get(reverse("topics:backlog", args=[community.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_backlog_links_review_our_norms_to_the_current_text(client, reviewed):
    community, people, version = reviewed
    _publish_at(version, timezone.now() - dt.timedelta(days=190))
    norms_reviews.remind_due(now=timezone.now())
    page = _backlog(client, people["member"], community)
    current = reverse("norms:version", args=[community.slug, 1])
    assert f'<a href="{current}">Read the current norms (version 1)</a>' in page
    assert "Back on the backlog, as we agreed" in page
    assert "Nominated by a former member" not in page
    # The link leads to the text.
    assert "What is said here stays here." in client.get(current).content.decode()


def test_a_review_still_on_the_backlog_links_the_newest_version_next_time(client, reviewed):
    community, people, version = reviewed
    _publish_at(version, timezone.now() - dt.timedelta(days=190))
    norms_reviews.remind_due(now=timezone.now())
    newer = publish_norms(
        actor=people["facilitator"], community=community, body="Be kind.", change_note="Short."
    )
    _publish_at(newer, timezone.now() - dt.timedelta(days=10))
    # Nobody took the topic up; six months after the new version it is due again.
    assert norms_reviews.remind_due(now=timezone.now() + dt.timedelta(days=180)) == 1
    assert Topic.objects.filter(community=community, title="Review our norms").count() == 1
    topic = Topic.objects.get(community=community, title="Review our norms")
    assert topic.link == reverse("norms:version", args=[community.slug, 2])
    assert "Version 2 has been in force" in topic.why


def test_reviews_put_on_the_backlog_before_links_existed_are_given_theirs(roles):
    from importlib import import_module

    from django.apps import apps

    from copse.decisions.models import Proposal

    community, people = roles
    backfill = import_module("copse.decisions.migrations.0003_review_topic_links").forwards
    norms_topic = Topic.objects.create(community=community, title="Review our norms")
    NormsReview.objects.create(community=community, norms_version=3, topic=norms_topic)
    decision_topic = Topic.objects.create(community=community, title="Review our decision: x")
    proposal = Proposal.objects.create(
        community=community,
        proposed_by=people["member"],
        title="x",
        body="x",
        status="passed",
        deadline=timezone.now(),
        review_topic=decision_topic,
    )
    backfill(apps, None)
    norms_topic.refresh_from_db()
    decision_topic.refresh_from_db()
    assert norms_topic.link == reverse("norms:version", args=[community.slug, 3])
    assert decision_topic.link == reverse("decisions:detail", args=[community.slug, proposal.pk])
