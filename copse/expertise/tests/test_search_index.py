"""The substring indexes behind the search of who knows what stay in step
with every change to what they hold: an entry's save and removal, a person's
new name, a catalogue entry's new name; and they never widen what a viewer
may see."""

from copse import testing
from copse.expertise import selectors, services
from copse.expertise.tests.conftest import experience


def _found(viewer, text):
    return [(h.person, h.kind, h.subject) for h in selectors.search_expertise(viewer, text, 10)]


def test_a_part_of_a_word_in_any_case_finds_an_entry_and_nothing_else_does(world):
    services.declare_expertise(
        actor=world["expert"], community=world["cio"], tag="Carrier negotiation", level="expert"
    )
    viewer = world["asker"]
    for text in ("negot", "NEGOTIATION", "rier neg", "carrier negotiation"):
        assert _found(viewer, text) == [(world["expert"], "expertise", "Carrier negotiation")]
    # Fields are searched one by one: no match spans two of them.
    assert _found(viewer, f"negotiation {world['expert'].display_name}") == []
    # The person's text is never a pattern.
    for text in ("%", "_arrier", "carrier%negotiation"):
        assert _found(viewer, text) == []


def test_edits_renames_and_removals_show_at_once(world):
    expert, viewer = world["expert"], world["asker"]
    listed = services.declare_expertise(
        actor=expert, community=world["cio"], tag="Carrier negotiation", level="expert"
    )
    shown = experience(expert, world["vendor"], [world["cio"]], purpose="Branch offices")
    assert {h.kind for h in selectors.search_expertise(viewer, "Zebedee", 10)} == set()

    expert.display_name = "Zebedee Quill"
    expert.save(update_fields=["display_name"])
    assert {h.kind for h in selectors.search_expertise(viewer, "zebedee", 10)} == {
        "expertise",
        "experience",
    }

    vendor = world["vendor"]
    vendor.name = "Quillnet Systems"
    vendor.save()
    assert [h.entry for h in selectors.search_expertise(viewer, "quillnet", 10)] == [shown]

    experience(expert, vendor, [world["cio"]], purpose="Warehouse links", experience=shown)
    assert [h.entry for h in selectors.search_expertise(viewer, "warehouse", 10)] == [shown]
    assert selectors.search_expertise(viewer, "branch offices", 10) == []

    services.remove_expertise(actor=expert, entry=listed)
    services.remove_experience(actor=expert, experience=shown)
    assert selectors.search_expertise(viewer, "zebedee", 10) == []


def test_a_match_is_still_shown_only_to_those_who_share_the_community(world):
    services.declare_expertise(
        actor=world["expert"], community=world["cio"], tag="Carrier negotiation", level="expert"
    )
    assert _found(world["outsider"], "negotiation") == []
    testing.seat(world["cio"], world["outsider"])
    assert _found(world["outsider"], "negotiation")
    testing.seat(world["cio"], world["expert"], status="left")
    assert _found(world["outsider"], "negotiation") == []
