"""Reading who knows what: "who has used X?", the knowledge map and the
search over entries."""

from django.urls import reverse

from copse import testing
from copse.conversations import services as conversations
from copse.expertise import selectors, services
from copse.expertise.tests.conftest import agenda_item, ask, experience, helpful_reply, past_meeting

# --- Who has used X? -----------------------------------------------------------------


def test_who_has_used_gathers_experience_helpful_replies_and_presenters(world):
    experience(world["expert"], world["vendor"], [world["cio"]])
    helpful_reply(world, ask(world))
    record = past_meeting(world["cio"], summary="We heard from **Vendor Networks** on SIP.")
    agenda_item(record, world["guest"], "SIP trunking, site by site")
    mentioned = past_meeting(world["cio"], title="Earlier", days_ago=90, summary="Other things.")
    agenda_item(mentioned, world["facilitator"], "Our move to Vendor Networks")
    used = selectors.who_has_used(world["asker"], world["vendor"])
    assert [u.person for u in used] == [
        world["expert"],
        world["replier"],
        world["facilitator"],
        world["guest"],
    ]
    by_person = {u.person: u for u in used}
    assert by_person[world["expert"]].experience.purpose == "SIP trunking at head office"
    assert len(by_person[world["replier"]].helpful) == 1
    assert [i.title for i in by_person[world["guest"]].presented] == ["SIP trunking, site by site"]
    assert [i.title for i in by_person[world["facilitator"]].presented] == [
        "Our move to Vendor Networks"
    ]
    # A guest presenter's profile is not the asker's to see; a member's is.
    assert not by_person[world["guest"]].can_view_profile
    assert by_person[world["facilitator"]].can_view_profile


def test_those_happy_to_be_asked_come_first(world):
    experience(world["expert"], world["vendor"], [world["cio"]], happy_to_be_asked=False)
    experience(world["replier"], world["vendor"], [world["cio"]], happy_to_be_asked=True)
    used = selectors.who_has_used(world["asker"], world["vendor"])
    assert [u.person for u in used] == [world["replier"], world["expert"]]


def test_an_unpublished_or_cancelled_record_names_no_presenter(world):
    draft = past_meeting(world["cio"], summary="")
    draft.summary_markdown = "Vendor Networks, draft"
    draft.save()
    agenda_item(draft, world["guest"], "Vendor Networks in depth")
    cancelled = past_meeting(world["cio"], summary="Vendor Networks", status="cancelled")
    agenda_item(cancelled, world["replier"], "Vendor Networks")
    assert selectors.who_has_used(world["asker"], world["vendor"]) == []


def test_replies_not_marked_helpful_or_by_people_who_left_do_not_count(world):
    thread = ask(world)
    conversations.post_reply(actor=world["replier"], thread=thread, body="Not sure.")
    assert selectors.who_has_used(world["asker"], world["vendor"]) == []
    helpful_reply(world, thread, replier="facilitator")
    assert [u.person for u in selectors.who_has_used(world["asker"], world["vendor"])] == [
        world["facilitator"]
    ]
    testing.seat(world["cio"], world["facilitator"], status="left")
    assert selectors.who_has_used(world["asker"], world["vendor"]) == []


def test_who_has_used_is_only_within_the_viewers_own_communities(world):
    """A helpful reply in an open community the viewer reads but has not joined
    is not "in the viewer's own communities"."""
    designer = world["designer"]
    thread = conversations.start_thread(
        actor=designer,
        community=world["designers"],
        kind="ask",
        title="Vendor Networks for a studio?",
        body="?",
        tag_names=["Vendor Networks"],
    )
    testing.seat(world["designers"], world["outsider"])
    post = conversations.post_reply(actor=world["outsider"], thread=thread, body="Yes, fine.")
    conversations.mark_helpful(actor=designer, post=post)
    assert selectors.who_has_used(world["asker"], world["vendor"]) == []
    assert [u.person for u in selectors.who_has_used(designer, world["vendor"])] == [
        world["outsider"]
    ]


def test_the_page_takes_a_catalogue_entry_and_says_when_there_is_none(client, world):
    client.force_login(world["asker"])
    url = reverse("expertise:who_has_used")
    assert client.get(url).status_code == 200
    response = client.get(url, {"tag": "no-such-vendor"})
    assert response.status_code == 400
    assert "The catalogue has no entry “no-such-vendor”" in response.content.decode()
    response = client.get(url, {"tag": "vendor-networks"})
    assert response.status_code == 200
    assert "Nobody in your communities has said they used Vendor Networks" in (
        response.content.decode()
    )


# --- The knowledge map -----------------------------------------------------------------


def test_the_map_shows_declared_levels_and_helpful_answers_per_area(world):
    services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="expert"
    )
    services.declare_expertise(
        actor=world["expert"], community=world["cio"], tag="SD-WAN", level="learning"
    )
    helpful_reply(world, ask(world, tags=("Metrics",)))
    helpful_reply(world, ask(world, title="Another", tags=("Metrics", "People")))
    grid = selectors.knowledge_map(world["asker"], world["cio"])
    assert grid.areas == world["cio"].topic_areas
    rows = {row.person: row for row in grid.rows}
    assert set(rows) == {
        world[p] for p in ("asker", "expert", "replier", "facilitator", "delegate")
    }
    metrics = grid.areas.index("Metrics")
    people = grid.areas.index("People")
    assert rows[world["expert"]].cells[metrics].level_label == "Expert"
    assert [e.subject for e in rows[world["expert"]].other] == ["SD-WAN"]
    assert rows[world["replier"]].cells[metrics].helpful == 2
    assert rows[world["replier"]].cells[people].helpful == 1
    assert rows[world["asker"]].cells[metrics].is_empty


def test_the_map_pages_through_members_by_name(world, monkeypatch):
    monkeypatch.setattr(selectors, "MAP_PAGE_SIZE", 2)
    seen, after = [], None
    for _ in range(5):
        grid = selectors.knowledge_map(world["asker"], world["cio"], after=after)
        seen += [row.person.name for row in grid.rows]
        after = grid.next_cursor
        if after is None:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 5


def test_the_map_page_is_a_table_with_text_in_its_cells(client, world):
    services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="expert"
    )
    client.force_login(world["asker"])
    page = client.get(reverse("expertise:community", args=["cio"])).content.decode()
    assert '<th scope="col">Metrics</th>' in page
    assert "<strong>Expert</strong>" in page
    assert "nothing yet" in page
    assert 'role="region"' in page and 'tabindex="0"' in page


# --- Search ---------------------------------------------------------------------------------


def test_search_finds_people_by_area_tag_vendor_and_name(world):
    services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="expert"
    )
    experience(world["replier"], world["vendor"], [world["cio"]])
    viewer = world["asker"]
    assert [(h.person, h.kind) for h in selectors.search_expertise(viewer, "metr", 10)] == [
        (world["expert"], "expertise")
    ]
    hits = selectors.search_expertise(viewer, "vendor", 10)
    assert [(h.person, h.kind, h.subject) for h in hits] == [
        (world["replier"], "experience", "Vendor Networks")
    ]
    assert [c.slug for c in hits[0].communities] == ["cio"]
    assert [h.kind for h in selectors.search_expertise(viewer, "Eve", 10)] == ["expertise"]
    assert len(selectors.search_expertise(viewer, "e", 1)) == 1
    for nothing in ("", "   ", "\x00", None):
        assert selectors.search_expertise(viewer, nothing, 10) == []


def test_search_pages_and_narrows_to_a_community_in_the_database(world):
    """The search page's community filter and its later pages are worked out
    by the database, and the count agrees with what the pages hold."""
    expert = world["expert"]
    services.declare_expertise(actor=expert, community=world["cio"], area="Metrics", level="expert")
    services.declare_expertise(
        actor=expert, community=world["ops"], area="Metrics", level="learning"
    )
    experience(world["replier"], world["vendor"], [world["cio"]])
    viewer = expert  # seated in both communities
    everywhere = selectors.search_expertise(viewer, "e", 10)
    assert _count(viewer, "e") == len(everywhere) >= 3
    paged = [
        hit.entry
        for offset in range(len(everywhere))
        for hit in selectors.search_expertise(viewer, "e", 1, offset=offset)
    ]
    assert paged == [hit.entry for hit in everywhere]
    in_ops = selectors.search_expertise(viewer, "metrics", 10, community_slug="ops")
    assert [(h.kind, [c.slug for c in h.communities]) for h in in_ops] == [("expertise", ["ops"])]
    assert _count(viewer, "vendor", community_slug="ops") == 0
    assert _count(viewer, "vendor", community_slug="cio") == 1
    # Another community's slug never widens what the viewer may see.
    assert selectors.search_expertise(world["asker"], "metrics", 10, community_slug="ops") == []


def _count(viewer, text, community_slug=None) -> int:
    return selectors.search_expertise_page(
        viewer, text, limit=1, offset=0, cap=100, community_slug=community_slug
    )[1]
