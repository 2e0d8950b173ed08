"""Listing, changing and removing one's own expertise and experience."""

import pytest

from copse import testing
from copse.conversations.models import Tag
from copse.expertise import services
from copse.expertise.models import Experience, ExperienceShown, Expertise
from copse.expertise.tests.conftest import experience


def test_a_member_lists_a_topic_area_and_a_subject_of_their_own(world):
    area = services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="expert"
    )
    own = services.declare_expertise(
        actor=world["expert"],
        community=world["cio"],
        tag="  SD-WAN \x00 ",
        level="learning",
        findable_elsewhere=True,
    )
    assert (area.area, area.tag, area.slug, area.level) == ("Metrics", "", "metrics", "expert")
    assert (own.area, own.tag, own.slug, own.findable_elsewhere) == ("", "SD-WAN", "sd-wan", True)


def test_naming_a_subject_again_changes_its_level_instead_of_listing_it_twice(world):
    first = services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="learning"
    )
    again = services.declare_expertise(
        actor=world["expert"], community=world["cio"], tag="metrics", level="expert"
    )
    assert again.pk == first.pk and again.level == "expert" and again.area == "Metrics"
    assert Expertise.objects.count() == 1


@pytest.mark.parametrize(
    ("area", "tag", "message"),
    [
        ("", "", "Choose a topic area or name a subject."),
        ("Metrics", "SD-WAN", "not both"),
        ("Astrology", "", "Choose one of this community's topic areas"),
        ("", "!!!", "at least one letter or number"),
        ("", "x" * 61, "at most 60 characters"),
    ],
)
def test_a_subject_is_one_area_of_the_community_or_one_named_subject(world, area, tag, message):
    with pytest.raises(services.ExpertiseError, match=message):
        services.declare_expertise(
            actor=world["expert"], community=world["cio"], area=area, tag=tag, level="expert"
        )
    assert not Expertise.objects.exists()


def test_a_level_must_be_one_of_the_three(world):
    with pytest.raises(services.ExpertiseError, match="Choose a level"):
        services.declare_expertise(
            actor=world["expert"], community=world["cio"], area="Metrics", level="guru"
        )


@pytest.mark.parametrize("who", ["guest", "former", "outsider", "site_admin", "other_facilitator"])
def test_only_the_seated_list_expertise_in_a_community(world, who):
    with pytest.raises(services.NotAllowed):
        services.declare_expertise(
            actor=world[who], community=world["cio"], area="Metrics", level="expert"
        )


def test_nobody_changes_or_removes_another_persons_entry(world):
    entry = services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="expert"
    )
    for who in ("facilitator", "site_admin", "asker"):
        with pytest.raises(services.NotAllowed):
            services.update_expertise(
                actor=world[who], entry=entry, level="learning", findable_elsewhere=True
            )
        with pytest.raises(services.NotAllowed):
            services.remove_expertise(actor=world[who], entry=entry)
    services.update_expertise(
        actor=world["expert"], entry=entry, level="learning", findable_elsewhere=True
    )
    entry.refresh_from_db()
    assert (entry.level, entry.findable_elsewhere) == ("learning", True)
    services.remove_expertise(actor=world["expert"], entry=entry)
    assert not Expertise.objects.exists()


def test_experience_is_shown_in_the_communities_chosen_and_changed_later(world):
    entry = experience(world["expert"], world["vendor"], [world["cio"], world["ops"]])
    assert set(entry.shown.values_list("community__slug", flat=True)) == {"cio", "ops"}
    services.save_experience(
        actor=world["expert"],
        experience=entry,
        tag=world["vendor"],
        duration="over_5",
        purpose="Managed SD-WAN",
        recommend="yes",
        communities=[world["ops"]],
    )
    entry.refresh_from_db()
    assert set(entry.shown.values_list("community__slug", flat=True)) == {"ops"}
    assert (entry.duration, entry.purpose, entry.recommend) == ("over_5", "Managed SD-WAN", "yes")


def test_experience_is_shown_only_where_its_person_sits(world):
    for community in ("designers", "hidden"):
        with pytest.raises(services.ExpertiseError, match="only in communities you are a member"):
            experience(world["expert"], world["vendor"], [world[community]])
    assert not Experience.objects.exists()


def test_experience_is_with_a_catalogue_vendor_product_or_technology(world):
    topic = Tag.objects.create(community=world["cio"], name="Telecom", slug="telecom")
    catalogue_topic = Tag.objects.create(community=None, name="Budgets", slug="budgets")
    for tag in (topic, catalogue_topic, None):
        with pytest.raises(services.ExpertiseError, match="from the catalogue"):
            experience(world["expert"], tag, [world["cio"]])


def test_one_entry_per_vendor_and_person(world):
    experience(world["expert"], world["vendor"], [world["cio"]])
    with pytest.raises(services.ExpertiseError, match="already have an entry for Vendor Networks"):
        experience(world["expert"], world["vendor"], [world["ops"]])
    # Someone else has their own.
    experience(world["asker"], world["vendor"], [world["cio"]])
    assert Experience.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration", "forever", "how long"),
        ("recommend", "maybe", "recommend it"),
        ("purpose", "   ", "what you used it for"),
        ("purpose", "x" * 301, "at most 300"),
        ("recommend_note", "x" * 1001, "the limit is 1,000"),
    ],
)
def test_experience_says_how_long_what_for_and_whether_to_recommend(world, field, value, message):
    with pytest.raises(services.ExpertiseError, match=message):
        experience(world["expert"], world["vendor"], [world["cio"]], **{field: value})


def test_leaving_a_community_drops_it_from_experience_changed_afterwards(world):
    entry = experience(world["expert"], world["vendor"], [world["cio"], world["ops"]])
    testing.seat(world["ops"], world["expert"], status="left")
    services.save_experience(
        actor=world["expert"],
        experience=entry,
        tag=world["vendor"],
        duration="1_3",
        purpose="SIP trunking",
        recommend="yes",
        communities=[world["cio"]],
    )
    assert list(ExperienceShown.objects.values_list("community__slug", flat=True)) == ["cio"]


def test_only_its_person_changes_or_removes_an_experience(world):
    entry = experience(world["expert"], world["vendor"], [world["cio"]])
    with pytest.raises(services.NotAllowed):
        services.remove_experience(actor=world["facilitator"], experience=entry)
    with pytest.raises(services.NotAllowed):
        experience(world["site_admin"], world["vendor"], [], experience=entry)
    services.remove_experience(actor=world["expert"], experience=entry)
    assert not Experience.objects.exists() and not ExperienceShown.objects.exists()
