"""Recording, reading, editing and removing value stories, through the
services and the pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from copse import testing
from copse.core.errors import UserFacingError
from copse.value import services
from copse.value.models import ValuePrompt, ValueStory
from copse.value.tests.conftest import story_data

pytestmark = pytest.mark.django_db


def _record(world, actor=None, **fields):
    values = {
        "cycle": "realised",
        "title": "We saved on telecom",
        "story": "An audit, then a bid.",
        "sharing": "community",
    }
    values.update(fields)
    return services.record_story(actor=actor or world.asker, community=world.community, **values)


# --- The service ----------------------------------------------------------------


def test_asker_records_a_realised_story_with_money_hours_and_links(world):
    story = _record(
        world,
        money_saved=Decimal("250000"),
        currency="usd",
        hours_saved=Decimal("40"),
        risk_avoided="Locked into a five-year contract",
        sharing="report",
        thread_ids=[world.ask.pk],
        meeting_ids=[world.meeting.pk],
        library_item_ids=[world.item.pk],
    )
    story.refresh_from_db()
    assert story.author == world.asker
    assert (story.money_saved, story.currency, story.hours_saved) == (
        Decimal("250000.00"),
        "USD",
        Decimal("40.0"),
    )
    assert list(story.threads.all()) == [world.ask]
    assert list(story.meetings.all()) == [world.meeting]
    assert list(story.library_items.all()) == [world.item]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"money_saved": Decimal("10"), "currency": ""}, "which currency"),
        ({"money_saved": Decimal("10"), "currency": "ZZZ"}, "ZZZ is not a currency code"),
        ({"money_saved": Decimal("10"), "currency": "dollars"}, "is not a currency code"),
        ({"money_saved": Decimal("-1"), "currency": "USD"}, "from 0"),
        ({"money_saved": "lots", "currency": "USD"}, "as numbers"),
        ({"hours_saved": Decimal("100001")}, "from 0 to 100,000"),
        ({"title": "   "}, "Give the story a title"),
        ({"story": ""}, "Tell the story"),
        ({"cycle": "eventual"}, "which kind of value"),
        ({"sharing": "everyone"}, "who may read"),
    ],
)
def test_a_story_that_does_not_add_up_is_refused_with_the_reason(world, fields, says):
    with pytest.raises(UserFacingError, match=says):
        _record(world, **fields)
    assert not ValueStory.objects.exists()


def test_a_currency_without_an_amount_is_not_kept(world):
    story = _record(world, currency="EUR", hours_saved=Decimal("3"))
    assert story.currency == ""


def test_delegates_record_value_but_outsiders_and_former_members_cannot(world):
    assert _record(world, actor=world.delegate).author == world.delegate
    for person in (world.outsider, testing.make_site_admin()):
        with pytest.raises(services.NotAllowed):
            _record(world, actor=person)
    testing.seat(world.community, world.member, status="left")
    with pytest.raises(services.NotAllowed):
        _record(world, actor=world.member)


@pytest.mark.parametrize("kind", ["thread", "meeting", "item"])
def test_another_communitys_thread_meeting_or_item_cannot_be_linked(world, kind):
    """Even by someone who reads it there: a story links its own community's work."""
    testing.seat(world.elsewhere, world.asker)
    ids = {
        "thread": {"thread_ids": [world.elsewhere_thread.pk]},
        "meeting": {"meeting_ids": [world.elsewhere_meeting.pk]},
        "item": {"library_item_ids": [world.elsewhere_item.pk]},
    }[kind]
    with pytest.raises(services.StoryError, match="cannot be linked"):
        _record(world, **ids)
    assert not ValueStory.objects.exists()


def test_a_removed_thread_or_a_missing_id_cannot_be_linked(world):
    conversation = world.ask
    conversation.removed_at = conversation.created_at
    conversation.save(update_fields=["removed_at"])
    for ids in ([conversation.pk], [999_999]):
        with pytest.raises(services.StoryError, match="cannot be linked"):
            _record(world, thread_ids=ids)


def test_only_the_author_edits_and_removes(world):
    story = _record(world)
    for person in (world.member, world.facilitator, world.delegate):
        with pytest.raises(services.NotAllowed):
            services.remove_story(actor=person, story=story)
    services.update_story(
        actor=world.asker,
        story=story,
        cycle="applied",
        title="We changed how we renew",
        story_text="Bid, do not renew.",
        sharing="private",
    )
    story.refresh_from_db()
    assert (story.cycle, story.title, story.sharing) == (
        "applied",
        "We changed how we renew",
        "private",
    )
    services.remove_story(actor=world.asker, story=story)
    story.refresh_from_db()
    assert story.removed_at is not None


def test_a_story_linking_the_thread_answers_its_prompt(world):
    prompt = ValuePrompt.objects.create(
        user=world.asker, community=world.community, kind="helpful", thread=world.ask
    )
    story = _record(world, thread_ids=[world.ask.pk])
    prompt.refresh_from_db()
    assert prompt.story == story


# --- The pages ---------------------------------------------------------------------


def test_new_story_page_explains_the_cycles_and_offers_this_communitys_recent_work(client, world):
    client.force_login(world.asker)
    response = client.get(reverse("value:new", args=["cio"]))
    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        "it was useful to be there",
        "I learned something I can use",
        "I changed what I do",
        "it made a difference",
        "it changed how we think about success",
        world.ask.title.replace(":", ":"),
        "March meeting at Litware",
        "Carrier RFP template",
        "Only me and the community",
    ):
        assert words in page
    assert "Confidential merger plans" not in page
    assert "Fabrikam" not in page


def test_recording_through_the_page_shows_the_story_with_its_links(client, world):
    client.force_login(world.asker)
    data = story_data(threads=[str(world.ask.pk)], meetings=[str(world.meeting.pk)])
    response = client.post(reverse("value:new", args=["cio"]), data)
    story = ValueStory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    assert story.currency == "USD"
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<strong>audit</strong>" in page  # Markdown, rendered
    assert "USD 250,000" in page
    assert world.ask.title in page
    assert "March meeting at Litware" in page


def test_markdown_in_a_story_is_sanitised(client, world):
    story = _record(world, story="<script>alert(1)</script>[x](javascript:alert(1)) **ok**")
    client.force_login(world.member)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "<strong>ok</strong>" in page


def test_a_form_that_cannot_be_saved_comes_back_with_what_was_typed(client, world):
    client.force_login(world.asker)
    data = story_data(currency="", threads=[str(world.ask.pk)])
    response = client.post(reverse("value:new", args=["cio"]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say which currency" in page
    assert "We saved $250K a year on telecom" in page
    assert "An **audit** first" in page
    assert f'value="{world.ask.pk}"' in page and "checked" in page
    assert not ValueStory.objects.exists()


def test_an_id_of_another_communitys_thread_is_refused_without_naming_it(client, world):
    """The attack: post a thread id from a community one is not in (or is in),
    hoping the story page shows its title."""
    testing.seat(world.elsewhere, world.asker)
    client.force_login(world.asker)
    for field, target in (
        ("threads", world.elsewhere_thread),
        ("meetings", world.elsewhere_meeting),
        ("library_items", world.elsewhere_item),
    ):
        response = client.post(
            reverse("value:new", args=["cio"]), story_data(**{field: [str(target.pk)]})
        )
        assert response.status_code == 400, field
        page = response.content.decode()
        assert "cannot be linked to a story here" in page
        assert target.title not in page
    assert not ValueStory.objects.exists()


def test_mangled_link_ids_are_refused_not_a_server_error(client, world):
    client.force_login(world.asker)
    for value in ("abc", "-1", "9" * 40, "1.5", "١٢"):
        response = client.post(reverse("value:new", args=["cio"]), story_data(threads=[value]))
        assert response.status_code == 400, value


def test_editing_keeps_the_links_and_only_the_author_may(client, world):
    story = _record(world, thread_ids=[world.ask.pk])
    url = reverse("value:edit", args=["cio", story.pk])
    client.force_login(world.member)
    assert client.get(url).status_code == 404
    client.force_login(world.asker)
    page = client.get(url).content.decode()
    assert "We saved on telecom" in page
    response = client.post(
        url, story_data(title="Saved even more", threads=[str(world.ask.pk)], sharing="community")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "Saved even more"
    assert list(story.threads.all()) == [world.ask]


def test_removing_a_story_takes_it_out_of_every_page(client, world):
    story = _record(world, money_saved=Decimal("99999"), currency="GBP")
    client.force_login(world.asker)
    assert client.get(reverse("value:remove", args=["cio", story.pk])).status_code == 200
    response = client.post(reverse("value:remove", args=["cio", story.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("value:list", args=["cio"])
    assert client.get(story.get_absolute_url()).status_code == 404
    for person in (world.asker, world.facilitator):
        client.force_login(person)
        page = client.get(reverse("value:list", args=["cio"])).content.decode()
        assert "We saved on telecom" not in page
        assert "GBP" not in page


def test_a_link_shows_only_to_readers_who_may_open_it_now(client, world):
    """The thread is removed after the story linked it: members no longer see
    the link; the story stays."""
    story = _record(world, thread_ids=[world.ask.pk], library_item_ids=[world.item.pk])
    world.ask.removed_at = world.ask.created_at
    world.ask.save(update_fields=["removed_at"])
    client.force_login(world.member)
    page = client.get(story.get_absolute_url()).content.decode()
    assert world.ask.title not in page
    assert "Carrier RFP template" in page


def test_the_list_filters_by_cycle_and_pages_by_keyset(client, world):
    for n in range(23):
        _record(world, title=f"Story {n:02d}", cycle="applied" if n % 2 else "potential")
    client.force_login(world.member)
    url = reverse("value:list", args=["cio"])
    first = client.get(url).content.decode()
    assert "Story 22" in first and "Story 02" not in first
    assert "Older stories" in first
    cursor = first.split("after=")[1].split('"')[0].replace("&amp;", "&")
    from urllib.parse import unquote

    second = client.get(url, {"after": unquote(cursor)}).content.decode()
    assert "Story 02" in second and "Story 22" not in second
    applied = client.get(url, {"cycle": "applied"}).content.decode()
    assert "Story 21" in applied and "Story 20" not in applied
    assert client.get(url, {"cycle": "nonsense", "after": "x|y"}).status_code == 200
