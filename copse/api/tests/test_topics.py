"""The topic backlog through the API: members nominate, edit what they
nominated and vote; delegates follow; outsiders learn nothing; the backlog
pages by keyset at a fixed number of queries."""

import json

import pytest

from copse import testing
from copse.api.tests.helpers import (  # noqa: F401  (cache_in_memory: a fixture)
    bearer,
    cache_in_memory,
    get_as,
    send_as,
    token_for,
)
from copse.topics import services
from copse.topics.models import Topic, TopicVote

pytestmark = pytest.mark.django_db

TITLE = "Who renegotiated their carrier contracts?"


@pytest.fixture
def cop():
    community = testing.make_community(
        slug="ciso", name="CISO Circle", visibility="confidential", topic_areas=["People", "Tools"]
    )
    facilitator = testing.make_user(name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    members = [testing.make_user(name=f"Member {n}") for n in range(3)]
    seats = [testing.seat(community, member) for member in members]
    delegate = testing.make_user(name="Dee Delegate")
    testing.seat(community, delegate, role="delegate", principal=seats[0])
    topic = services.nominate(
        actor=members[0], community=community, title=TITLE, why="Renewals are due.", area="Tools"
    )
    return {
        "community": community,
        "facilitator": facilitator,
        "members": members,
        "delegate": delegate,
        "topic": topic,
    }


def _vote(client, user, topic, method="post"):
    return send_as(client, user, method, f"/api/topics/{topic.pk}/vote")


def test_a_member_nominates_a_topic_in_one_of_the_communitys_areas(client, cop):
    member = cop["members"][1]
    made = send_as(
        client,
        member,
        "post",
        "/api/communities/ciso/topics",
        {"title": "  Hiring   security analysts ", "why": "Nobody applies.", "area": "People"},
    )
    assert made.status_code == 201
    body = made.json()
    assert (body["title"], body["area"], body["status"]) == (
        "Hiring security analysts",
        "People",
        "proposed",
    )
    assert body["proposed_by"]["id"] == member.pk
    assert body["may_edit"] and body["may_vote"] and not body["voted"]
    assert Topic.objects.filter(pk=body["id"], proposed_by=member).exists()


def test_a_topic_copse_put_back_for_review_carries_its_link(client, cop):
    topic = services.add_system_topic(
        community=cop["community"],
        title="Review our norms",
        why="A year has passed.",
        link="/c/ciso/norms/",
        link_text="Our norms",
    )
    body = get_as(client, cop["members"][1], f"/api/topics/{topic.pk}").json()
    assert (body["proposed_by"], body["link"], body["link_text"]) == (
        None,
        "/c/ciso/norms/",
        "Our norms",
    )
    nominated = get_as(client, cop["members"][1], f"/api/topics/{cop['topic'].pk}").json()
    assert (nominated["link"], nominated["link_text"]) == (None, None)


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"title": TITLE.upper(), "area": "Tools"}, 400, "already in the backlog"),
        ({"title": "Fresh one", "area": "Cooking"}, 400, "topic areas"),
        ({"title": "   ", "area": "Tools"}, 400, "title"),
        ({"title": "x" * 201, "area": "Tools"}, 422, ""),
        ({"title": "Fresh one", "area": "Tools", "votes": 9}, 422, ""),
    ],
)
def test_a_nomination_that_cannot_be_taken_says_why(client, cop, body, status, says):
    response = send_as(client, cop["members"][1], "post", "/api/communities/ciso/topics", body)
    assert response.status_code == status
    assert says in json.dumps(response.json())
    assert Topic.objects.count() == 1


def test_voting_counts_once_and_a_vote_is_taken_back(client, cop):
    topic, member = cop["topic"], cop["members"][1]
    first = _vote(client, member, topic)
    assert first.status_code == 200
    assert (first.json()["vote_count"], first.json()["voted"]) == (1, True)
    again = _vote(client, member, topic)
    assert again.json()["vote_count"] == 1
    assert TopicVote.objects.filter(topic=topic).count() == 1
    back = _vote(client, member, topic, method="delete")
    assert back.status_code == 200
    assert (back.json()["vote_count"], back.json()["voted"]) == (0, False)
    assert not TopicVote.objects.exists()
    # Taking back a vote one never gave changes nothing either.
    assert _vote(client, member, topic, method="delete").json()["vote_count"] == 0


def test_a_delegate_reads_the_backlog_and_may_not_take_part(client, cop):
    delegate, topic = cop["delegate"], cop["topic"]
    listed = get_as(client, delegate, "/api/communities/ciso/topics").json()["items"]
    assert [t["title"] for t in listed] == [TITLE]
    assert listed[0]["may_vote"] is False
    refused = _vote(client, delegate, topic)
    assert refused.status_code == 403
    assert "Delegates" in refused.json()["detail"]
    nominated = send_as(
        client, delegate, "post", "/api/communities/ciso/topics", {"title": "Mine", "area": "Tools"}
    )
    assert nominated.status_code == 403
    assert not TopicVote.objects.exists() and Topic.objects.count() == 1


def test_voting_closes_once_a_topic_leaves_the_backlog(client, cop):
    topic = cop["topic"]
    services.set_status(actor=cop["facilitator"], topic=topic, status="parked")
    refused = _vote(client, cop["members"][1], topic)
    assert refused.status_code == 403
    assert "closed" in refused.json()["detail"]
    parked = get_as(client, cop["members"][1], "/api/communities/ciso/topics", status="parked")
    assert [t["id"] for t in parked.json()["items"]] == [topic.pk]
    proposed = get_as(client, cop["members"][1], "/api/communities/ciso/topics")
    assert proposed.json()["items"] == []
    assert (
        get_as(client, cop["members"][1], "/api/communities/ciso/topics", status="gone").status_code
        == 422
    )


def test_only_the_nominator_and_the_facilitators_edit_a_topic(client, cop):
    topic = cop["topic"]
    url = f"/api/topics/{topic.pk}"
    other = send_as(client, cop["members"][1], "patch", url, {"why": "Hijacked"})
    assert other.status_code == 403
    own = send_as(client, cop["members"][0], "patch", url, {"why": "Three renewals in March."})
    assert own.status_code == 200
    assert own.json()["why"] == "Three renewals in March."
    assert own.json()["title"] == TITLE  # what was not sent stays
    by_facilitator = send_as(client, cop["facilitator"], "patch", url, {"area": "People"})
    assert by_facilitator.json()["area"] == "People"
    topic.refresh_from_db()
    assert (topic.why, topic.area) == ("Three renewals in March.", "People")


@pytest.mark.parametrize("where", ["other_facilitator", "former", "site_admin", "outsider"])
def test_people_outside_the_community_learn_nothing_of_its_topics(client, cop, where):
    other = testing.make_community(slug="elsewhere")
    outsider = testing.make_user()
    if where == "other_facilitator":
        testing.seat(other, outsider, role="facilitator")
    elif where == "former":
        testing.seat(cop["community"], outsider, status="left")
    elif where == "site_admin":
        outsider = testing.make_site_admin()
    topic = cop["topic"]
    for response in (
        get_as(client, outsider, f"/api/topics/{topic.pk}"),
        get_as(client, outsider, "/api/communities/ciso/topics"),
        _vote(client, outsider, topic),
        _vote(client, outsider, topic, method="delete"),
        send_as(client, outsider, "patch", f"/api/topics/{topic.pk}", {"title": "Mine now"}),
        send_as(
            client,
            outsider,
            "post",
            "/api/communities/ciso/topics",
            {"title": "Planted", "area": "Tools"},
        ),
    ):
        assert response.status_code == 404
        assert TITLE not in response.content.decode()
        assert "CISO" not in response.content.decode()
    topic.refresh_from_db()
    assert (topic.title, topic.vote_count) == (TITLE, 0)
    assert Topic.objects.count() == 1


def _grow(community, people, topics: int, votes_each: int):
    made = Topic.objects.bulk_create(
        Topic(
            community=community,
            title=f"Topic {n}",
            area="People",
            proposed_by=people[n % len(people)],
            vote_count=votes_each if n % 2 else 0,
        )
        for n in range(topics)
    )
    TopicVote.objects.bulk_create(
        TopicVote(topic=topic, user=person)
        for topic in made
        if topic.vote_count
        for person in people[:votes_each]
    )


def test_the_backlog_pages_through_every_topic_once_most_votes_first(client, cop):
    _grow(cop["community"], cop["members"], topics=120, votes_each=3)
    seen, after, pages = [], None, 0
    while True:
        query = {"after": after} if after else {}
        page = get_as(client, cop["members"][1], "/api/communities/ciso/topics", **query).json()
        seen += page["items"]
        pages += 1
        after = page["next"]
        if after is None:
            break
    assert pages == 3
    assert len({t["id"] for t in seen}) == len(seen) == 121
    votes = [t["vote_count"] for t in seen]
    assert votes == sorted(votes, reverse=True)
    assert all(t["voted"] for t in seen if t["vote_count"] == 3)


@pytest.mark.parametrize("size", [(5, 1), (200, 3)], ids=["small", "large"])
@pytest.mark.usefixtures("cache_in_memory")
def test_the_backlog_runs_a_fixed_number_of_queries(
    client, cop, django_assert_max_num_queries, size
):
    topics, votes_each = size
    _grow(cop["community"], cop["members"], topics=topics, votes_each=votes_each)
    headers = bearer(token_for(cop["members"][0], scopes=["read"]))
    url = "/api/communities/ciso/topics"
    client.get(url, **headers)
    # Measured: the token, the user, the community, standings, the page,
    # the caller's votes on it.
    with django_assert_max_num_queries(6):
        response = client.get(url, **headers)
    assert response.status_code == 200
    assert len(response.json()["items"]) == min(topics + 1, 50)
