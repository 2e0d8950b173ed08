"""Nothing of a private story reaches anyone but its author and the
community's facilitators: not its title, not its page, not its amounts in a
total. Nothing of any story reaches anyone without a seat."""

from decimal import Decimal

import pytest
from django.urls import reverse

from copse import testing
from copse.core import permissions
from copse.value import selectors, services
from copse.value.models import ValueStory

pytestmark = pytest.mark.django_db

PRIVATE_TITLE = "My board nearly fired me over the outage"
SHARED_TITLE = "The audit found 15% of the bill was errors"


@pytest.fixture
def stories(world):
    private = services.record_story(
        actor=world.asker,
        community=world.community,
        cycle="realised",
        title=PRIVATE_TITLE,
        story="Only for the facilitators.",
        money_saved=Decimal("777777"),
        currency="CHF",
        hours_saved=Decimal("333"),
        sharing="private",
    )
    shared = services.record_story(
        actor=world.asker,
        community=world.community,
        cycle="applied",
        title=SHARED_TITLE,
        story="We audit first now.",
        money_saved=Decimal("1000"),
        currency="USD",
        sharing="community",
    )
    return private, shared


def _outsiders(world):
    guest = testing.make_user("sam@vendor.example", name="Sam Guest")
    testing.seat(world.community, guest, role="guest_presenter")
    former = testing.make_user("fred@example.com", name="Fred Former")
    testing.seat(world.community, former, status="left")
    return {
        "outsider": world.outsider,
        "site admin": testing.make_site_admin(email="root@example.com"),
        "sponsor": testing.make_user("grace.sponsor@example.com", is_sponsor=True),
        "guest presenter": guest,
        "former member": former,
    }


def _pages(world, stories):
    private, shared = stories
    return [
        reverse("value:list", args=["cio"]),
        reverse("value:list", args=["cio"]) + "?cycle=realised",
        reverse("value:time", args=["cio"]) + "?days=365",
        private.get_absolute_url(),
        shared.get_absolute_url(),
        world.community.get_absolute_url(),
    ]


def test_another_member_sees_nothing_of_a_private_story(client, world, stories):
    private, _ = stories
    for person in (world.member, world.delegate):
        client.force_login(person)
        assert client.get(private.get_absolute_url()).status_code == 404
        for url in _pages(world, stories):
            page = client.get(url).content.decode()
            assert PRIVATE_TITLE not in page, url
            assert "CHF" not in page and "777,777" not in page and "333" not in page, url
        listed = client.get(reverse("value:list", args=["cio"])).content.decode()
        assert SHARED_TITLE in listed
        assert "USD 1,000" in listed


def test_the_author_and_the_facilitators_read_it_and_count_it(client, world, stories):
    private, _ = stories
    for person in (world.asker, world.facilitator):
        client.force_login(person)
        assert client.get(private.get_absolute_url()).status_code == 200
        listed = client.get(reverse("value:list", args=["cio"])).content.decode()
        assert PRIVATE_TITLE in listed
    # Only the facilitators' totals include it; its author sees it in the list only.
    assert "<dd>CHF 777,777</dd>" in listed
    client.force_login(world.asker)
    listed = client.get(reverse("value:list", args=["cio"])).content.decode()
    assert "<dd>CHF 777,777</dd>" not in listed
    assert "Saved CHF 777,777" in listed


def test_nobody_without_a_seat_sees_any_story(client, world, stories):
    for role, person in _outsiders(world).items():
        client.force_login(person)
        for url in _pages(world, stories):
            response = client.get(url)
            page = response.content.decode()
            assert PRIVATE_TITLE not in page, (role, url)
            assert SHARED_TITLE not in page, (role, url)
            assert "777,777" not in page, (role, url)
        for story in stories:
            assert client.get(story.get_absolute_url()).status_code == 404, role


def test_a_former_member_still_reads_their_own_story_and_nothing_else(client, world, stories):
    _, shared = stories
    own = services.record_story(
        actor=world.member,
        community=world.community,
        cycle="potential",
        title="What I learned before leaving",
        story="Audits pay.",
        sharing="community",
    )
    testing.seat(world.community, world.member, status="left")
    client.force_login(world.member)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(shared.get_absolute_url()).status_code == 404
    assert client.get(reverse("value:list", args=["cio"])).status_code == 404
    assert client.get(reverse("value:edit", args=["cio", own.pk])).status_code == 404


def test_a_story_is_found_only_at_its_own_community(client, world, stories):
    _, shared = stories
    testing.seat(world.elsewhere, world.member)
    client.force_login(world.member)
    assert client.get(reverse("value:story", args=["ao", shared.pk])).status_code == 404


def test_the_list_filter_agrees_with_the_rule_for_every_story_and_person(world, stories):
    """readable_value_stories_q is the value_story.read rule as a filter."""
    own_private = services.record_story(
        actor=world.member,
        community=world.community,
        cycle="immediate",
        title="Mine",
        story="Mine.",
    )
    removed = services.record_story(
        actor=world.member,
        community=world.community,
        cycle="immediate",
        title="Gone",
        story="Gone.",
        sharing="community",
    )
    services.remove_story(actor=world.member, story=removed)
    people = [
        world.asker,
        world.member,
        world.delegate,
        world.facilitator,
        *_outsiders(world).values(),
    ]
    all_stories = [*stories, own_private, removed]
    for person in people:
        permissions.forget_standings(person)
        listed = set(
            selectors.readable_stories(person, world.community).values_list("pk", flat=True)
        )
        for story in ValueStory.objects.filter(pk__in=[s.pk for s in all_stories]):
            allowed = permissions.can(person, "value_story.read", story)
            assert (story.pk in listed) is allowed, (person, story.title)
