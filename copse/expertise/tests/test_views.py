"""The pages, as plain forms: adding, changing and removing expertise and
experience, and where the links to them are."""

from django.urls import reverse

from copse.expertise.models import Experience, Expertise
from copse.expertise.tests.conftest import experience


def _add(client, world, **fields):
    cid = world["cio"].pk
    data = {"community": cid, **{f"c{cid}-{k}": v for k, v in fields.items()}}
    return client.post(reverse("expertise:add_expertise"), data)


def test_a_member_lists_expertise_from_their_page(client, world):
    client.force_login(world["expert"])
    page = client.get(reverse("expertise:mine")).content.decode()
    assert "In CIO Circle" in page and "Add expertise in CIO Circle" in page
    assert "Ops Circle" in page
    response = _add(client, world, area="Metrics", level="expert", findable_elsewhere="on")
    assert response.status_code == 302
    assert response["Location"].endswith("#community-cio")
    entry = Expertise.objects.get()
    assert (entry.area, entry.level, entry.findable_elsewhere) == ("Metrics", "expert", True)
    page = client.get(response["Location"]).content.decode()
    assert "Metrics" in page and "is listed in CIO Circle" in page


def test_a_mistake_comes_back_with_what_was_typed(client, world):
    client.force_login(world["expert"])
    response = _add(client, world, area="Metrics", tag="Carrier negotiation", level="expert")
    assert response.status_code == 400
    page = response.content.decode()
    assert "not both" in page
    assert 'value="Carrier negotiation"' in page
    assert "<details open>" in page
    response = _add(client, world, tag="Carrier negotiation", level="")
    assert response.status_code == 400 and "Choose a level" in response.content.decode()
    assert not Expertise.objects.exists()


def test_listing_in_a_community_one_does_not_sit_in_is_a_missing_page(client, world):
    client.force_login(world["other_facilitator"])
    assert _add(client, world, area="Metrics", level="expert").status_code == 404
    response = client.post(reverse("expertise:add_expertise"), {"community": "nonsense"})
    assert response.status_code == 404
    assert not Expertise.objects.exists()


def test_changing_and_removing_an_entry(client, world):
    client.force_login(world["expert"])
    _add(client, world, tag="SD-WAN", level="learning")
    entry = Expertise.objects.get()
    url = reverse("expertise:edit_expertise", args=[entry.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"level": "nonsense"}).status_code == 400
    assert client.post(url, {"level": "expert"}).status_code == 302
    entry.refresh_from_db()
    assert entry.level == "expert"
    client.force_login(world["asker"])
    assert client.get(url).status_code == 404
    assert client.post(reverse("expertise:remove_expertise", args=[entry.pk])).status_code == 404
    client.force_login(world["expert"])
    assert client.post(reverse("expertise:remove_expertise", args=[entry.pk])).status_code == 302
    assert not Expertise.objects.exists()


def test_adding_experience_offers_the_catalogue_and_ones_own_communities(client, world):
    client.force_login(world["expert"])
    url = reverse("expertise:new_experience")
    page = client.get(url).content.decode()
    assert "Vendor Networks (vendor)" in page
    assert "CIO Circle" in page and "Ops Circle" in page and "Hidden Ring" not in page
    response = client.post(
        url,
        {
            "tag": world["vendor"].pk,
            "duration": "3_5",
            "purpose": "Managed SD-WAN",
            "recommend": "caveats",
            "recommend_note": "Put response times in the contract.",
            "happy_to_be_asked": "on",
            "communities": [world["cio"].pk],
        },
    )
    assert response.status_code == 302
    entry = Experience.objects.get()
    assert list(entry.shown.values_list("community__slug", flat=True)) == ["cio"]
    assert entry.happy_to_be_asked


def test_an_experience_mistake_keeps_what_was_typed(client, world):
    client.force_login(world["expert"])
    response = client.post(
        reverse("expertise:new_experience"),
        {
            "tag": world["vendor"].pk,
            "purpose": "Managed SD-WAN for our branches",
            "recommend": "yes",
            "communities": [world["hidden"].pk],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Managed SD-WAN for our branches"' in page
    assert "Say how long you have used it." in page
    assert "Choose among your own communities." in page
    assert not Experience.objects.exists()


def test_a_second_entry_for_the_same_vendor_is_refused_with_a_message(client, world):
    experience(world["expert"], world["vendor"], [world["cio"]])
    client.force_login(world["expert"])
    response = client.post(
        reverse("expertise:new_experience"),
        {"tag": world["vendor"].pk, "duration": "1_3", "purpose": "Again", "recommend": "no"},
    )
    assert response.status_code == 400
    assert "already have an entry for Vendor Networks" in response.content.decode()


def test_changing_and_removing_experience(client, world):
    entry = experience(world["expert"], world["vendor"], [world["cio"]])
    url = reverse("expertise:edit_experience", args=[entry.pk])
    client.force_login(world["asker"])
    assert client.get(url).status_code == 404
    client.force_login(world["expert"])
    page = client.get(url).content.decode()
    assert 'value="SIP trunking at head office"' in page
    response = client.post(
        url,
        {
            "tag": world["vendor"].pk,
            "duration": "over_5",
            "purpose": "Everything",
            "recommend": "yes",
            "communities": [world["ops"].pk],
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.duration == "over_5"
    assert list(entry.shown.values_list("community__slug", flat=True)) == ["ops"]
    remove = reverse("expertise:remove_experience", args=[entry.pk])
    assert client.post(remove).status_code == 302
    assert not Experience.objects.exists()


def test_members_find_who_knows_what_from_the_community_home(client, world):
    url = reverse("communities:home", args=["cio"])
    link = reverse("expertise:community", args=["cio"])
    client.force_login(world["delegate"])
    assert link in client.get(url).content.decode()
    client.force_login(world["site_admin"])
    assert link not in client.get(url).content.decode()


def test_people_find_their_expertise_page_from_their_profile(client, world):
    client.force_login(world["outsider"])
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("expertise:mine") in page
    assert (
        "You are not a member of any community yet"
        in client.get(reverse("expertise:mine")).content.decode()
    )


def test_the_pages_and_messages_speak_the_readers_language(client, world):
    client.force_login(world["expert"])
    french = {"accept-language": "fr"}
    page = client.get(reverse("expertise:mine"), headers=french).content.decode()
    assert "Dans CIO Circle" in page and "Ajouter une expertise dans CIO Circle" in page
    cid = world["cio"].pk
    data = {"community": cid, f"c{cid}-area": "Metrics", f"c{cid}-level": "expert"}
    response = client.post(reverse("expertise:add_expertise"), data, headers=french)
    page = client.get(response["Location"], headers=french).content.decode()
    assert "Metrics (expert) est indiqué dans CIO Circle." in page
