"""What people tell about themselves is shown only in the communities they
choose, and never beyond the communities they share with the viewer.

Eve Expert sits in the CIO Circle and the Ops Circle. Her experience is shown
in the CIO Circle only; her expertise is listed in the CIO Circle. Everyone
else looks from their own standing."""

import pytest
from django.urls import reverse

from copse import testing
from copse.expertise import selectors, services
from copse.expertise.tests.conftest import ask, experience, helpful_reply

# Seated in the CIO Circle with Eve.
SHARES = ["asker", "replier", "facilitator", "delegate"]
# Everyone else: none of them may see what Eve told the CIO Circle.
DOES_NOT = [
    "guest",  # a guest presenter of the CIO Circle
    "former",  # a former member of it
    "outsider",  # a member of nothing
    "other_facilitator",  # facilitator of the Ops Circle, where Eve also sits
    "site_admin",
    "designer",  # a member of an open community only
    "ringer",  # a member of a confidential community only
]
PURPOSE = "Managed SD-WAN for sixty branch offices"


@pytest.fixture
def eve(world):
    shown = experience(world["expert"], world["vendor"], [world["cio"]], purpose=PURPOSE)
    listed = services.declare_expertise(
        actor=world["expert"], community=world["cio"], tag="Carrier negotiation", level="expert"
    )
    return shown, listed


@pytest.mark.parametrize("who", SHARES)
def test_people_who_share_the_community_see_the_entries(world, eve, who):
    entries = selectors.entries_of(world[who], world["expert"])
    assert [e.tag.name for e in entries.experience] == ["Vendor Networks"]
    assert [e.subject for e in entries.expertise] == ["Carrier negotiation"]
    assert [s.community.slug for s in entries.experience[0].shared_shown] == ["cio"]
    assert [u.person for u in selectors.who_has_used(world[who], world["vendor"])] == [
        world["expert"]
    ]
    assert {h.kind for h in selectors.search_expertise(world[who], "eve", 10)} == {
        "expertise",
        "experience",
    }


@pytest.mark.parametrize("who", DOES_NOT)
def test_nobody_else_sees_them_anywhere(world, eve, who):
    viewer = world[who]
    assert not selectors.entries_of(viewer, world["expert"])
    assert selectors.who_has_used(viewer, world["vendor"]) == []
    for text in ("eve", "vendor", "carrier", "SD-WAN"):
        assert selectors.search_expertise(viewer, text, 10) == []
    assert not selectors.visible_experience(viewer).exists()
    assert not selectors.visible_expertise(viewer).exists()


@pytest.mark.parametrize("who", DOES_NOT)
def test_nor_on_any_page_they_can_open(client, world, eve, who):
    client.force_login(world[who])
    pages = [
        reverse("expertise:who_has_used") + "?tag=vendor-networks",
        reverse("expertise:mine"),
        reverse("people:profile", args=[world["expert"].handle]),
        reverse("expertise:community", args=["cio"]),
        reverse("expertise:community", args=["ops"]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert PURPOSE.encode() not in response.content, url
        assert b"Carrier negotiation" not in response.content, url


def test_an_entry_is_shown_only_in_the_communities_its_person_chose(world, eve):
    """The Ops Circle's facilitator shares a community with Eve, but not the
    one she chose; when she adds the Ops Circle, they see it there."""
    other = world["other_facilitator"]
    assert selectors.who_has_used(other, world["vendor"]) == []
    shown, _ = eve
    experience(world["expert"], world["vendor"], [world["cio"], world["ops"]], experience=shown)
    entries = selectors.entries_of(other, world["expert"])
    assert [s.community.slug for s in entries.experience[0].shared_shown] == ["ops"]
    # The CIO Circle, which they do not share, is never named to them.
    assert not entries.expertise


def test_open_community_readers_who_are_not_members_see_nothing(world):
    services.declare_expertise(
        actor=world["designer"], community=world["designers"], area="Technology", level="expert"
    )
    experience(world["designer"], world["vendor"], [world["designers"]])
    outsider = world["outsider"]
    assert not selectors.entries_of(outsider, world["designer"])
    assert selectors.who_has_used(outsider, world["vendor"]) == []
    testing.seat(world["designers"], outsider)
    assert selectors.entries_of(outsider, world["designer"])
    assert selectors.who_has_used(outsider, world["vendor"])


def test_a_person_who_leaves_takes_their_entries_out_of_sight(world, eve):
    asker = world["asker"]
    assert selectors.entries_of(asker, world["expert"])
    testing.seat(world["cio"], world["expert"], status="left")
    assert not selectors.entries_of(asker, world["expert"])
    assert selectors.who_has_used(asker, world["vendor"]) == []
    assert selectors.search_expertise(asker, "eve", 10) == []
    # Their own page keeps them, saying they are shown nowhere.
    own = selectors.own_entries(world["expert"])
    assert [e.subject for e in own.elsewhere] == ["Carrier negotiation"]
    assert own.experience[0].shown_now == []


def test_a_viewer_who_leaves_stops_seeing_them(world, eve):
    viewer = world["replier"]
    assert selectors.entries_of(viewer, world["expert"])
    testing.seat(world["cio"], viewer, status="removed")
    assert not selectors.entries_of(viewer, world["expert"])


def test_a_deactivated_person_is_shown_nowhere(world, eve):
    world["expert"].is_active = False
    world["expert"].save(update_fields=["is_active"])
    assert not selectors.visible_experience(world["asker"]).exists()
    assert not selectors.visible_expertise(world["asker"]).exists()


def test_helpful_repliers_are_found_only_within_the_viewers_own_communities(world):
    thread = ask(world)
    helpful_reply(world, thread)
    assert [u.person for u in selectors.who_has_used(world["asker"], world["vendor"])] == [
        world["replier"]
    ]
    for who in DOES_NOT:
        assert selectors.who_has_used(world[who], world["vendor"]) == [], who


def test_a_profile_shows_a_site_admin_nothing_the_members_told(client, world, eve):
    client.force_login(world["site_admin"])
    response = client.get(reverse("people:profile", args=[world["expert"].handle]))
    assert response.status_code == 200
    assert b"What Eve Expert knows" not in response.content
    client.force_login(world["asker"])
    response = client.get(reverse("people:profile", args=[world["expert"].handle]))
    assert b"What Eve Expert knows" in response.content and PURPOSE.encode() in response.content
