"""Knowledge gaps: what members asked about with no helpful answer and no
declared expertise, and where help might come from, without a word about a
community the viewer cannot read."""

from django.urls import reverse

from copse import testing
from copse.conversations.models import Tag
from copse.expertise import selectors, services
from copse.expertise.tests.conftest import agenda_item, ask, experience, helpful_reply, past_meeting


def _gaps(world, viewer="asker"):
    return {gap.name: gap for gap in selectors.knowledge_gaps(world[viewer], world["cio"]).items}


def test_an_unanswered_ask_makes_its_areas_and_tags_gaps(world):
    ask(world, tags=("Metrics", "Succession"))
    gaps = _gaps(world)
    assert set(gaps) == {"Metrics", "Succession"}
    assert gaps["Metrics"].is_area and not gaps["Succession"].is_area
    assert gaps["Metrics"].asks == 1


def test_a_helpful_answer_closes_the_gap(world):
    thread = ask(world, tags=("Succession",))
    assert "Succession" in _gaps(world)
    helpful_reply(world, thread)
    assert _gaps(world) == {}


def test_a_reply_not_marked_helpful_leaves_it_open(world):
    from copse.conversations import services as conversations

    thread = ask(world, tags=("Succession",))
    conversations.post_reply(actor=world["replier"], thread=thread, body="No idea, sorry.")
    assert "Succession" in _gaps(world)


def test_declared_expertise_closes_the_gap_while_its_person_sits_there(world):
    ask(world, tags=("Metrics", "Succession"))
    services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="learning"
    )
    services.declare_expertise(
        actor=world["expert"], community=world["cio"], tag="succession", level="expert"
    )
    assert _gaps(world) == {}
    testing.seat(world["cio"], world["expert"], status="left")
    assert set(_gaps(world)) == {"Metrics", "Succession"}


def test_expertise_declared_in_another_community_does_not_close_it(world):
    ask(world, tags=("Succession",))
    services.declare_expertise(
        actor=world["expert"], community=world["ops"], tag="Succession", level="expert"
    )
    assert "Succession" in _gaps(world)


def test_experience_shown_in_the_community_closes_a_catalogue_gap(world):
    ask(world, tags=("Vendor Networks",))
    assert "Vendor Networks" in _gaps(world)
    entry = experience(world["expert"], world["vendor"], [world["ops"]])
    assert "Vendor Networks" in _gaps(world)
    experience(world["expert"], world["vendor"], [world["cio"]], experience=entry)
    assert _gaps(world) == {}


def test_a_discussion_is_not_a_question(world):
    from copse.conversations import services as conversations

    conversations.start_thread(
        actor=world["asker"],
        community=world["cio"],
        kind="discussion",
        title="Thoughts on succession",
        body="Musing.",
        tag_names=["Succession"],
    )
    assert _gaps(world) == {}


def test_past_guest_presenters_on_the_subject_are_suggested(world):
    ask(world, tags=("Succession",))
    old = past_meeting(world["cio"], title="The March meeting", days_ago=60)
    agenda_item(old, world["guest"], "What the research says about CIO succession")
    agenda_item(old, world["replier"], "Succession at our company")  # a member, not a guest
    upcoming = past_meeting(world["cio"], title="Next month", days_ago=-20)
    agenda_item(upcoming, world["guest"], "More on succession")
    gap = _gaps(world)["Succession"]
    assert [(s.person, s.item.meeting.title) for s in gap.presenters] == [
        (world["guest"], "The March meeting")
    ]


def test_presenters_in_communities_the_viewer_cannot_read_are_not_suggested(world):
    ask(world, tags=("Succession",))
    elsewhere = past_meeting(world["hidden"], title="Ring meeting", days_ago=10)
    testing.seat(world["hidden"], world["outsider"], role="guest_presenter")
    agenda_item(elsewhere, world["outsider"], "Succession in rings")
    assert _gaps(world)["Succession"].presenters == []


def test_findable_members_of_other_communities_are_suggested_only_to_those_who_may_see_them(
    client, world
):
    ask(world, tags=("Succession",))
    # Visible to every signed-in person: a member of an open community.
    services.declare_expertise(
        actor=world["designer"],
        community=world["designers"],
        tag="Succession",
        level="expert",
        findable_elsewhere=True,
    )
    # A member of a confidential community the asker shares nothing with.
    services.declare_expertise(
        actor=world["ringer"],
        community=world["hidden"],
        tag="Succession",
        level="expert",
        findable_elsewhere=True,
    )
    # Not opted in.
    services.declare_expertise(
        actor=world["other_facilitator"], community=world["ops"], tag="Succession", level="expert"
    )
    gap = _gaps(world)["Succession"]
    assert [(s.person, s.community_name) for s in gap.people] == [
        (world["designer"], "Designers Commons")
    ]
    client.force_login(world["asker"])
    page = client.get(reverse("expertise:community", args=["cio"])).content.decode()
    assert "Dana Designer" in page and "Designers Commons" in page
    assert "Rin Ringer" not in page and "Hidden Ring" not in page and "Otto" not in page


def test_a_community_the_viewer_cannot_read_is_never_named(client, world):
    """Eve shares the CIO Circle with the asker, and opted in through the Ops
    Circle, which the asker cannot read: she is suggested, the Ops Circle is
    not named."""
    ask(world, tags=("Succession",))
    services.declare_expertise(
        actor=world["expert"],
        community=world["ops"],
        tag="Succession",
        level="practising",
        findable_elsewhere=True,
    )
    gap = _gaps(world)["Succession"]
    assert [(s.person, s.community_name) for s in gap.people] == [(world["expert"], "")]
    client.force_login(world["asker"])
    page = client.get(reverse("expertise:community", args=["cio"])).content.decode()
    assert "Eve Expert" in page and "listed in another community" in page
    assert "Ops Circle" not in page


def test_a_findable_former_member_is_not_suggested(world):
    ask(world, tags=("Succession",))
    services.declare_expertise(
        actor=world["designer"],
        community=world["designers"],
        tag="Succession",
        level="expert",
        findable_elsewhere=True,
    )
    testing.seat(world["designers"], world["designer"], status="left")
    assert _gaps(world)["Succession"].people == []


def test_gaps_are_for_members_only(client, world):
    ask(world, tags=("Succession",))
    url = reverse("expertise:community", args=["cio"])
    for who in ("guest", "former", "outsider", "other_facilitator", "site_admin"):
        client.force_login(world[who])
        response = client.get(url)
        assert response.status_code == 404, who
        assert b"Succession" not in response.content
    for who in ("asker", "delegate", "facilitator"):
        client.force_login(world[who])
        assert b"Succession" in client.get(url).content, who


def test_the_open_communitys_readers_who_are_not_members_get_no_map(client, world):
    client.force_login(world["outsider"])
    assert client.get(reverse("expertise:community", args=["designers"])).status_code == 404
    client.force_login(world["designer"])
    assert client.get(reverse("expertise:community", args=["designers"])).status_code == 200


def test_another_communitys_own_tag_of_the_same_spelling_is_not_counted(world):
    """Only the community's own asks are read: the Ops Circle's ask on the same
    subject is neither a gap here nor an answer."""
    from copse.conversations import services as conversations

    conversations.start_thread(
        actor=world["expert"],
        community=world["ops"],
        kind="ask",
        title="Ops question",
        body="?",
        tag_names=["Succession"],
    )
    assert _gaps(world) == {}
    assert Tag.objects.filter(slug="succession").count() == 1
