"""Nominating, voting, ranking and status changes, through the services."""

import datetime

import pytest
from django.utils import timezone

from copse import testing
from copse.audit.models import AuditEntry
from copse.communities.models import Community
from copse.core import permissions
from copse.memberships.models import Membership
from copse.topics import selectors, services
from copse.topics.models import Topic, TopicVote


def _nominate(actor, community, title="Cloud cost control", **fields):
    values = {"why": "Bills doubled.", "area": "Technology", **fields}
    return services.nominate(actor=actor, community=community, title=title, **values)


def _count_is_exact(topic):
    topic.refresh_from_db()
    assert topic.vote_count == TopicVote.objects.filter(topic=topic).count()
    return topic.vote_count


# --- Nominating -----------------------------------------------------------------


def test_a_member_nominates_a_topic_with_clean_text(roles):
    community, people = roles
    topic = services.nominate(
        actor=people["member"],
        community=community,
        title="  Cloud   cost\x07 control \n",
        why="  We pay too much.\r\nWho renegotiated?  ",
        area="Technology",
    )
    topic.refresh_from_db()
    assert (topic.title, topic.why, topic.area) == (
        "Cloud cost control",
        "We pay too much.\nWho renegotiated?",
        "Technology",
    )
    assert topic.proposed_by == people["member"]
    assert (topic.status, topic.vote_count) == ("proposed", 0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "Give the topic a title"),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"why": "y" * 4001}, "the limit is 4,000"),
        ({"area": ""}, "Choose the topic area"),
        ({"area": "Astrology"}, "Choose one of this community's topic areas: People,"),
    ],
)
def test_nominating_explains_what_to_fix(roles, fields, message):
    community, people = roles
    with pytest.raises(services.TopicError, match=message):
        _nominate(people["member"], community, **fields)
    assert not Topic.objects.exists()


def test_a_community_without_areas_takes_topics_without_one(roles):
    community, people = roles
    Community.objects.filter(pk=community.pk).update(topic_areas=[])
    community.refresh_from_db()
    topic = _nominate(people["member"], community, area="Anything")
    assert topic.area == ""


def test_an_open_topic_cannot_be_nominated_twice(roles):
    community, people = roles
    first = _nominate(people["member"], community, title="Cloud cost control")
    with pytest.raises(services.TopicError, match="already in the backlog: vote for it"):
        _nominate(people["facilitator"], community, title="cloud COST control")
    services.mark_scheduled(topics=[first])
    with pytest.raises(services.TopicError, match="already on a meeting's agenda"):
        _nominate(people["facilitator"], community, title="Cloud cost control")
    services.mark_covered(topics=[first])
    # Once covered, the community may want to come back to it.
    assert _nominate(people["facilitator"], community, title="Cloud cost control").pk != first.pk


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("anonymous", "Only active members"),
        ("non_member", "Only active members"),
        ("requester", "Only active members"),
        ("invitee", "Only active members"),
        ("delegate", "Delegates follow the topics"),
        ("guest_presenter", "Only active members"),
        ("former_member", "Only active members"),
        ("site_admin", "Only active members"),
    ],
)
def test_only_contributors_nominate(roles, role, message):
    community, people = roles
    actor = people[role]
    if actor is None:
        from django.contrib.auth.models import AnonymousUser

        actor = AnonymousUser()
    with pytest.raises(services.NotAllowed, match=message):
        _nominate(actor, community)
    assert not Topic.objects.exists()


def test_new_norms_and_leave_stop_nominating_with_a_reason(roles):
    community, people = roles
    Community.objects.filter(pk=community.pk).update(norms_version=1)
    community.refresh_from_db()
    permissions.forget_standings(people["member"])
    with pytest.raises(services.NotAllowed, match="accept the new version to nominate"):
        _nominate(people["member"], community)
    testing.seat(community, people["facilitator"], role="facilitator", status="on_leave")
    with pytest.raises(services.NotAllowed, match="Come back from leave"):
        _nominate(people["facilitator"], community)


# --- Voting ---------------------------------------------------------------------


def test_voting_and_withdrawing_are_idempotent_and_counts_stay_exact(roles):
    community, people = roles
    topic = _nominate(people["member"], community)
    assert services.vote(actor=people["member"], topic=topic) is True
    assert services.vote(actor=people["member"], topic=topic) is False  # a double click
    assert topic.vote_count == 1 == _count_is_exact(topic)
    assert services.vote(actor=people["facilitator"], topic=topic) is True
    assert _count_is_exact(topic) == 2
    assert services.withdraw_vote(actor=people["member"], topic=topic) is True
    assert services.withdraw_vote(actor=people["member"], topic=topic) is False
    assert topic.vote_count == 1 == _count_is_exact(topic)
    assert list(TopicVote.objects.values_list("user", flat=True)) == [people["facilitator"].pk]


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "non_member",
        "requester",
        "invitee",
        "delegate",
        "guest_presenter",
        "former_member",
        "site_admin",
    ],
)
def test_only_contributors_vote(roles, role):
    community, people = roles
    topic = _nominate(people["member"], community)
    actor = people[role]
    if actor is None:
        from django.contrib.auth.models import AnonymousUser

        actor = AnonymousUser()
    with pytest.raises(services.NotAllowed):
        services.vote(actor=actor, topic=topic)
    with pytest.raises(services.NotAllowed):
        services.withdraw_vote(actor=actor, topic=topic)
    assert _count_is_exact(topic) == 0


def test_voting_closes_when_a_topic_leaves_the_backlog(roles):
    community, people = roles
    topic = _nominate(people["member"], community)
    services.vote(actor=people["member"], topic=topic)
    services.set_status(actor=people["facilitator"], topic=topic, status="parked")
    with pytest.raises(services.NotAllowed, match="Voting has closed: this topic is parked"):
        services.vote(actor=people["facilitator"], topic=topic)
    with pytest.raises(services.NotAllowed, match="Voting has closed"):
        services.withdraw_vote(actor=people["member"], topic=topic)
    # Brought back, it keeps its votes.
    services.set_status(actor=people["facilitator"], topic=topic, status="proposed")
    assert _count_is_exact(topic) == 1
    services.vote(actor=people["facilitator"], topic=topic)
    assert _count_is_exact(topic) == 2


def test_a_former_member_can_no_longer_vote(roles):
    community, people = roles
    topic = _nominate(people["member"], community)
    services.vote(actor=people["member"], topic=topic)
    Membership.objects.filter(community=community, user=people["member"]).update(status="left")
    permissions.forget_standings(people["member"])
    with pytest.raises(services.NotAllowed, match="Only active members"):
        services.vote(actor=people["member"], topic=topic)


# --- Ranking ----------------------------------------------------------------------


def test_backlog_ranks_by_votes_then_age_and_shows_the_viewers_votes(roles):
    community, people = roles
    voters = [people["member"], people["facilitator"]]
    for n in range(3):
        voters.append(testing.seat(community, testing.make_user()).user)
    now = timezone.now()
    topics = {}
    for age, (title, votes) in enumerate(
        [("Newest, two votes", 2), ("Three votes", 3), ("Older, two votes", 2), ("None", 0)]
    ):
        topic = _nominate(people["member"], community, title=title)
        Topic.objects.filter(pk=topic.pk).update(created_at=now - datetime.timedelta(days=age))
        for voter in voters[:votes]:
            services.vote(actor=voter, topic=topic)
        topics[title] = topic
    page = selectors.backlog(people["facilitator"], community)
    assert [t.title for t in page.items] == [
        "Three votes",
        "Older, two votes",
        "Newest, two votes",
        "None",
    ]
    assert [t.viewer_voted for t in page.items] == [True, True, True, False]
    assert [t.vote_count for t in page.items] == [3, 2, 2, 0]
    candidates = selectors.agenda_candidates(people["facilitator"], community, limit=2)
    assert [t.title for t in candidates] == ["Three votes", "Older, two votes"]
    ranked = selectors.proposed_topics(people["facilitator"], community)
    assert [t.title for t in ranked] == [t.title for t in page.items]
    assert ranked.get(pk=topics["None"].pk).title == "None"  # a form can validate a choice
    # A topic on an agenda leaves the backlog and the candidates.
    services.mark_scheduled(topics=[topics["Three votes"]])
    assert [t.title for t in selectors.agenda_candidates(people["facilitator"], community)] == [
        "Older, two votes",
        "Newest, two votes",
        "None",
    ]
    assert [
        t.title for t in selectors.backlog(people["member"], community, status="scheduled").items
    ] == ["Three votes"]


def test_backlog_pages_by_keyset_without_gaps_or_repeats(roles, monkeypatch):
    community, people = roles
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    same_moment = timezone.now()
    made = Topic.objects.bulk_create(
        Topic(community=community, title=f"T{n}", vote_count=n % 3, proposed_by=people["member"])
        for n in range(8)
    )
    # Ties on both votes and time are broken by id.
    Topic.objects.filter(pk__in=[t.pk for t in made[:4]]).update(created_at=same_moment)
    seen, after = [], None
    while True:
        page = selectors.backlog(people["member"], community, after=after)
        seen.extend(page.items)
        if not page.next_cursor:
            break
        after = page.next_cursor
    expected = list(Topic.objects.order_by("-vote_count", "created_at", "pk"))
    assert [t.pk for t in seen] == [t.pk for t in expected]
    assert selectors.backlog(people["member"], community, after="junk|x|y").items[0] == expected[0]


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "non_member",
        "requester",
        "invitee",
        "guest_presenter",
        "former_member",
        "site_admin",
    ],
)
def test_non_readers_get_nothing_from_the_selectors(roles, role):
    from django.contrib.auth.models import AnonymousUser

    community, people = roles
    topic = _nominate(people["member"], community)
    viewer = people[role] or AnonymousUser()
    assert selectors.backlog(viewer, community).items == []
    assert selectors.agenda_candidates(viewer, community) == []
    assert not selectors.proposed_topics(viewer, community).exists()
    assert set(selectors.status_counts(viewer, community).values()) == {0}
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.topic_for(viewer, community.slug, topic.pk)


def test_topic_for_answers_404_for_another_communitys_slug(roles):
    from django.http import Http404

    community, people = roles
    topic = _nominate(people["member"], community)
    other = testing.make_community(visibility="members")
    testing.seat(other, people["member"])
    with pytest.raises(Http404):
        selectors.topic_for(people["member"], other.slug, topic.pk)
    assert selectors.topic_for(people["member"], community.slug, topic.pk) == topic


# --- Status -------------------------------------------------------------------------


def test_facilitators_park_unpark_and_cover_by_hand_and_it_is_audited(roles):
    community, people = roles
    topic = _nominate(people["member"], community)
    facilitator = people["facilitator"]
    services.set_status(actor=facilitator, topic=topic, status="parked")
    assert Topic.objects.get(pk=topic.pk).status == "parked"
    assert topic.status_changed_at is not None
    services.set_status(actor=facilitator, topic=topic, status="parked")  # no change, no entry
    services.set_status(actor=facilitator, topic=topic, status="proposed")
    services.set_status(actor=facilitator, topic=topic, status="covered")
    entries = AuditEntry.objects.filter(action="topic.status_changed").order_by("pk")
    assert [(e.detail["status"], e.detail["previous"]) for e in entries] == [
        ("parked", "proposed"),
        ("proposed", "parked"),
        ("covered", "proposed"),
    ]
    assert {(e.actor_id, e.community_id, e.detail["topic_id"]) for e in entries} == {
        (facilitator.pk, community.pk, topic.pk)
    }
    with pytest.raises(services.TopicError, match="putting it on a meeting's agenda"):
        services.set_status(actor=facilitator, topic=topic, status="scheduled")
    with pytest.raises(services.TopicError, match="Choose proposed, parked or covered"):
        services.set_status(actor=facilitator, topic=topic, status="deleted")


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "non_member",
        "member",
        "delegate",
        "guest_presenter",
        "former_member",
        "site_admin",
    ],
)
def test_only_facilitators_change_status(roles, role):
    from django.contrib.auth.models import AnonymousUser

    community, people = roles
    topic = _nominate(people["member"], community)
    with pytest.raises(services.NotAllowed, match="Only the community's facilitators"):
        services.set_status(actor=people[role] or AnonymousUser(), topic=topic, status="parked")
    assert Topic.objects.get(pk=topic.pk).status == "proposed"
    assert not AuditEntry.objects.filter(action="topic.status_changed").exists()


def test_meetings_schedule_and_cover_topics_without_downgrading(roles):
    community, people = roles
    proposed, parked, covered, scheduled = (
        _nominate(people["member"], community, title=t)
        for t in ("Proposed", "Parked", "Covered", "Scheduled")
    )
    services.set_status(actor=people["facilitator"], topic=parked, status="parked")
    services.set_status(actor=people["facilitator"], topic=covered, status="covered")
    services.mark_scheduled(topics=[scheduled])
    first_scheduled_at = Topic.objects.get(pk=scheduled.pk).status_changed_at

    changed = services.mark_scheduled(topics=[proposed, parked, covered.pk, scheduled])
    assert changed == 2
    assert {t.title: t.status for t in Topic.objects.all()} == {
        "Proposed": "scheduled",
        "Parked": "scheduled",
        "Covered": "covered",
        "Scheduled": "scheduled",
    }
    assert proposed.status == "scheduled"  # the objects passed in follow
    assert Topic.objects.get(pk=scheduled.pk).status_changed_at == first_scheduled_at

    assert services.unschedule(topics=[proposed]) == 1
    assert Topic.objects.get(pk=proposed.pk).status == "proposed"

    assert services.mark_covered(topics=Topic.objects.all()) == 3
    assert set(Topic.objects.values_list("status", flat=True)) == {"covered"}
    assert services.mark_covered(topics=[]) == 0
    assert services.mark_scheduled(topics=Topic.objects.all()) == 0


# --- Editing ------------------------------------------------------------------------


def test_the_proposer_edits_while_proposed_and_facilitators_always(roles):
    community, people = roles
    topic = _nominate(people["member"], community)
    services.edit(
        actor=people["member"], topic=topic, title="Cloud costs", why="Still high.", area="Metrics"
    )
    topic.refresh_from_db()
    assert (topic.title, topic.why, topic.area) == ("Cloud costs", "Still high.", "Metrics")
    with pytest.raises(services.NotAllowed, match="Only the person who nominated"):
        services.edit(actor=people["delegate"], topic=topic, title="Mine", why="", area="Metrics")
    services.mark_scheduled(topics=[topic])
    with pytest.raises(services.NotAllowed, match="scheduled now; ask a facilitator"):
        services.edit(actor=people["member"], topic=topic, title="Later", why="", area="Metrics")
    services.edit(
        actor=people["facilitator"],
        topic=topic,
        title="Cloud costs, part 1",
        why="",
        area="Metrics",
    )
    assert Topic.objects.get(pk=topic.pk).title == "Cloud costs, part 1"


def test_an_area_the_community_dropped_may_be_kept_but_not_chosen(roles):
    community, people = roles
    topic = _nominate(people["member"], community, area="Metrics")
    Community.objects.filter(pk=community.pk).update(topic_areas=["People"])
    topic.community.refresh_from_db()
    services.edit(actor=people["member"], topic=topic, title="Renamed", why="", area="Metrics")
    assert Topic.objects.get(pk=topic.pk).area == "Metrics"
    other = _nominate(people["member"], community, title="Other", area="People")
    with pytest.raises(services.TopicError, match="Choose one of"):
        services.edit(actor=people["member"], topic=other, title="Other", why="", area="Metrics")


# --- Leaving ------------------------------------------------------------------------


def test_leaving_takes_back_votes_on_waiting_topics_but_not_on_covered_ones(roles):
    from copse.memberships import services as memberships

    community, people = roles
    member, facilitator = people["member"], people["facilitator"]
    waiting = _nominate(facilitator, community, title="Waiting topic")
    covered = _nominate(facilitator, community, title="Covered topic")
    for topic in (waiting, covered):
        services.vote(actor=member, topic=topic)
        services.vote(actor=facilitator, topic=topic)
    Topic.objects.filter(pk=covered.pk).update(status=Topic.Status.COVERED)
    memberships.leave(actor=member, community=community)
    assert _count_is_exact(waiting) == 1
    assert not TopicVote.objects.filter(topic=waiting, user=member).exists()
    assert _count_is_exact(covered) == 2
    # Those who stay keep their votes.
    assert TopicVote.objects.filter(topic=waiting, user=facilitator).exists()


def test_a_removed_members_delegate_loses_their_votes_too(roles):
    from copse.memberships import services as memberships

    community, people = roles
    member, delegate = people["member"], people["delegate"]
    topic = _nominate(people["facilitator"], community)
    Topic.objects.filter(pk=topic.pk).update(vote_count=1)
    TopicVote.objects.create(topic=topic, user=delegate)
    membership = Membership.objects.get(community=community, user=member)
    memberships.remove_member(
        actor=people["facilitator"], membership=membership, reason="Moved on."
    )
    assert _count_is_exact(topic) == 0
