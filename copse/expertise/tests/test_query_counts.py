"""The knowledge map and "who has used X?" run the same number of queries
with a handful of members, entries and answers as with many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from copse import testing
from copse.conversations import services as conversations
from copse.expertise.models import Experience, ExperienceShown, Expertise
from copse.expertise.tests.conftest import agenda_item, past_meeting

# Measured at both sizes: session, user, the community, the viewer's
# standings (3), the map's page of members, their expertise, their helpful
# answers, the gaps, the presenters to suggest and whose profiles the viewer
# may see, the people to suggest, experience shared here, the notification
# badge, the catalogue.
MAP_BUDGET = 16
# Session, user, the catalogue entry, standings (3), experience and where it
# is shown, helpful replies, presenters, whose profiles the viewer may see,
# the notification badge, the catalogue, the viewer's communities (links back).
USED_BUDGET = 14


def _grow(world, members: int, asks: int):
    cio, vendor = world["cio"], world["vendor"]
    people = [testing.make_user(name=f"Member {n:03}") for n in range(members)]
    for person in people:
        testing.seat(cio, person)
    areas = cio.topic_areas
    Expertise.objects.bulk_create(
        Expertise(
            person=person,
            community=cio,
            area=areas[n % len(areas)],
            slug=areas[n % len(areas)].lower(),
            level=("learning", "practising", "expert")[n % 3],
        )
        for n, person in enumerate(people)
    )
    Expertise.objects.bulk_create(
        Expertise(
            person=person,
            community=world["designers"],
            tag=f"Subject {n}",
            slug=f"subject-{n}",
            level="expert",
            findable_elsewhere=True,
        )
        for n, person in enumerate(people)
    )
    for person in people:
        testing.seat(world["designers"], person)
    made = Experience.objects.bulk_create(
        Experience(
            person=person,
            tag=vendor,
            duration="1_3",
            purpose="Trunks",
            recommend="yes",
            happy_to_be_asked=n % 2 == 0,
        )
        for n, person in enumerate(people)
    )
    ExperienceShown.objects.bulk_create(ExperienceShown(experience=e, community=cio) for e in made)
    for n in range(asks):
        thread = conversations.start_thread(
            actor=world["asker"],
            community=cio,
            kind="ask",
            title=f"Question {n}",
            body="?",
            tag_names=["Vendor Networks", areas[n % len(areas)], f"Subject {n}"],
        )
        if n % 2:
            post = conversations.post_reply(actor=people[n % members], thread=thread, body="This.")
            conversations.mark_helpful(actor=world["asker"], post=post)
        meeting = past_meeting(cio, title=f"Meeting {n}", days_ago=n + 1, summary="Vendor Networks")
        agenda_item(meeting, world["guest"], f"Subject {n} and Vendor Networks")
        agenda_item(meeting, people[n % members], "Round table")


SIZES = {"small": (3, 2), "large": (60, 24)}


def _counts(client, world, url, django_assert_max_num_queries, budget):
    client.force_login(world["asker"])
    counts = []
    for members, asks in SIZES.values():
        _grow(world, members, asks)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(budget):
        client.get(url)
    return response


def test_the_knowledge_map_costs_the_same_with_many_members_and_asks(
    client, world, django_assert_max_num_queries
):
    url = reverse("expertise:community", args=["cio"])
    response = _counts(client, world, url, django_assert_max_num_queries, MAP_BUDGET)
    page = response.content.decode()
    assert "More members" in page and "Knowledge gaps" in page
    assert "Gus Guest" in page  # a past guest presenter suggested for a gap
    cursor = response.context["map"].next_cursor
    with django_assert_max_num_queries(MAP_BUDGET):
        assert client.get(url, {"after": cursor}).status_code == 200


def test_who_has_used_costs_the_same_with_many_people_and_records(
    client, world, django_assert_max_num_queries
):
    url = reverse("expertise:who_has_used") + "?tag=vendor-networks"
    response = _counts(client, world, url, django_assert_max_num_queries, USED_BUDGET)
    page = response.content.decode()
    assert "Member 059" in page and "Gus Guest" in page and "Replies marked helpful" in page


@pytest.mark.parametrize("viewer", ["asker", "site_admin"])
def test_a_profile_costs_the_same_with_many_entries(
    client, world, django_assert_max_num_queries, viewer
):
    client.force_login(world[viewer])
    url = reverse("people:profile", args=[world["expert"].handle])
    counts = []
    for n in (2, 40):
        Expertise.objects.bulk_create(
            Expertise(
                person=world["expert"],
                community=world["cio"],
                tag=f"Subject {n}-{i}",
                slug=f"subject-{n}-{i}",
                level="expert",
            )
            for i in range(n)
        )
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
