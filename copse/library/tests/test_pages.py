"""The library's pages end to end through the test client: the list and its
filters, adding with tags, the item page, details, new versions with their
diff, removing; bad input comes back with what was typed and a 400."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from copse.conversations import services as conversations
from copse.conversations.models import Tag
from copse.library import selectors, services
from copse.library.models import ItemVersion, LibraryItem
from copse.library.tests.conftest import text_file

pytestmark = pytest.mark.django_db


def _page(
    community, author, title="Speaker checklist", body="# Checklist\n\n- Book the room", **kw
):
    return services.create_item(
        actor=author, community=community, kind="page", title=title, body=body, **kw
    )


# --- The list ----------------------------------------------------------------------------


def test_the_list_filters_by_kind_topic_area_and_tag(client, unit):
    community, karen = unit.community, unit.people.karen
    _page(community, karen, title="Records page", topic_areas=["Records"], tag_names=["retention"])
    _page(community, karen, title="Events page", topic_areas=["Travel and events"])
    _page(community, karen, title="Zoë page", topic_areas=["Zoë's corner"])
    services.create_item(
        actor=karen,
        community=community,
        kind="template",
        title="Speaker template",
        uploaded_file=text_file(),
        tag_names=["retention"],
    )
    client.force_login(karen)
    url = reverse("library:list", args=[community.slug])

    def titles(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return set(
            re.findall(
                r'<h3 class="thread-row__title"><a [^>]*>([^<]+)</a>', response.content.decode()
            )
        )

    assert titles() == {"Records page", "Events page", "Zoë page", "Speaker template"}
    assert titles(kind="template") == {"Speaker template"}
    assert titles(area="Records") == {"Records page"}
    assert titles(area="Zoë's corner") == {"Zoë page"}
    assert titles(tag="retention") == {"Records page", "Speaker template"}
    assert titles(tag="retention", kind="page") == {"Records page"}
    # Anything unknown is ignored rather than refused.
    assert len(titles(kind="nonsense", area="Nowhere")) == 4
    response = client.get(url, {"tag": "nothing-has-this"})
    assert b"No items match these filters" in response.content


def test_the_list_pages_with_a_cursor_and_keeps_its_filters(client, unit, monkeypatch):
    community, karen = unit.community, unit.people.karen
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for n in range(5):
        _page(community, karen, title=f"Page {n}", topic_areas=["Records"])
    _page(community, karen, title="Elsewhere", topic_areas=["Travel and events"])
    client.force_login(karen)
    url = reverse("library:list", args=[community.slug])
    seen = []
    query = {"area": "Records"}
    for _ in range(4):
        response = client.get(url, query)
        html = response.content.decode()
        seen += re.findall(r">(Page \d)<", html)
        more = re.search(r'href="\?([^"]*after=[^"]+)"', html)
        if not more:
            break
        assert "area=Records" in more.group(1)
        query = dict(part.split("=", 1) for part in more.group(1).replace("&amp;", "&").split("&"))
        query = {k: __import__("urllib.parse").parse.unquote_plus(v) for k, v in query.items()}
    assert seen == [f"Page {n}" for n in (4, 3, 2, 1, 0)]


# --- Adding -------------------------------------------------------------------------------


def test_adding_takes_community_topics_and_the_site_catalogue_as_tags(client, unit):
    community, karen = unit.community, unit.people.karen
    zoom = Tag.objects.create(name="Zoom", slug="zoom", kind="product")
    client.force_login(karen)
    response = client.post(
        reverse("library:add", args=[community.slug]),
        {
            "kind": "page",
            "title": "Hybrid speaker guide",
            "description": "For speakers who join on a screen.",
            "topic_areas": ["Travel and events"],
            "tags": "zoom, Honoraria",
            "body": "# Guide\n\nTest the link the day before.",
        },
    )
    item = LibraryItem.objects.get(title="Hybrid speaker guide")
    assert response.status_code == 302
    assert response["Location"] == item.get_absolute_url()
    tags = set(item.tags.all())
    assert zoom in tags
    assert {t.name for t in tags} == {"Zoom", "Honoraria"}
    assert item.tags.get(name="Honoraria").community == community
    assert item.topic_areas == ["Travel and events"]


def test_bad_input_comes_back_with_what_was_typed_and_a_400(client, unit):
    community, karen = unit.community, unit.people.karen
    client.force_login(karen)
    url = reverse("library:add", args=[community.slug])
    typed = {
        "kind": "document",
        "title": "Budget sheet",
        "description": "What we spend on speakers",
        "tags": "budgets",
        "body": "",
    }
    response = client.post(url, {**typed, "file": SimpleUploadedFile("budget.exe", b"MZ\x90\x00")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be kept in the library" in html
    assert 'value="Budget sheet"' in html and "What we spend on speakers" in html
    assert 'value="budgets"' in html
    assert "choose the file again" in html
    # A page with no text, an unknown kind, a title too long: a message each, never a 500.
    for data in (
        {**typed, "kind": "page"},
        {**typed, "kind": "meeting_record"},
        {**typed, "kind": "page", "body": "x", "title": "t" * 300},
        {**typed, "kind": "link", "link_url": "not a url"},
        {**typed, "kind": "page", "body": "x", "tags": ",".join(f"t{n}" for n in range(40))},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
    assert not LibraryItem.objects.exists()


@override_settings(COPSE_UPLOAD_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(client, unit, tmp_path):
    community, karen = unit.community, unit.people.karen
    client.force_login(karen)
    response = client.post(
        reverse("library:add", args=[community.slug]),
        {
            "kind": "document",
            "title": "Huge",
            "file": SimpleUploadedFile("huge.txt", b"x" * 2000, content_type="text/plain"),
        },
    )
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert 'value="Huge"' in response.content.decode()
    assert not ItemVersion.objects.exists()


# --- The item page ------------------------------------------------------------------------


def test_the_item_page_shows_credit_content_versions_and_where_it_came_from(client, unit):
    community, margaret, karen = unit.community, unit.people.margaret, unit.people.karen
    thread = conversations.start_thread(
        actor=karen,
        community=community,
        kind="ask",
        title="How do you book visiting speakers?",
        body="Looking for a checklist.",
    )
    item = _page(
        community,
        margaret,
        title="Visiting speaker template",
        body="# Template\n\n- Travel\n- Honoraria",
        description="What to send a speaker.",
        topic_areas=["Travel and events"],
        tag_names=["speakers"],
        source_thread=thread,
    )
    services.add_version(
        actor=margaret, item=item, body="# Template\n\n- Travel\n- Rooms", change_note="Rooms"
    )
    client.force_login(karen)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "By Margaret Osei, Office of the President" in html
    assert "What to send a speaker." in html
    assert "Travel and events" in html and "speakers" in html
    assert "How do you book visiting speakers?" in html
    assert "<li>Rooms</li>" in html  # the current text, rendered
    assert "Version 2</a>: Rooms" in html and "Version 1</a>: First version" in html
    assert reverse("library:version", args=[item.pk, 2]) in html


def test_the_source_thread_shows_only_to_who_may_read_it(client, unit):
    community, karen = unit.community, unit.people.karen
    community.library_sharing_allowed = True
    community.save()
    thread = conversations.start_thread(
        actor=karen, community=community, kind="ask", title="A members-only ask", body="Q"
    )
    item = _page(community, karen, source_thread=thread)
    services.share_item(actor=karen, item=item, sharing="site", confirmed=True)
    client.force_login(unit.people.stranger)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Speaker checklist" in html
    assert "A members-only ask" not in html
    assert "Shared from" in html


def test_every_version_of_a_file_stays_downloadable(client, unit):
    community, karen = unit.community, unit.people.karen
    item = services.create_item(
        actor=karen,
        community=community,
        kind="template",
        title="Checklist",
        uploaded_file=text_file("one.txt", b"first\n"),
    )
    services.add_version(
        actor=karen, item=item, uploaded_file=text_file("two.txt", b"second\n"), change_note="2"
    )
    client.force_login(unit.people.margaret)
    for number, name, data in ((1, "one.txt", b"first\n"), (2, "two.txt", b"second\n")):
        response = client.get(reverse("library:download", args=[item.pk, number]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert f'filename="{name}"' in response["Content-Disposition"]
        assert response["Content-Disposition"].startswith("attachment")


# --- Changing it -------------------------------------------------------------------------


def test_details_change_and_keep_typed_text_on_error(client, unit):
    community, karen = unit.community, unit.people.karen
    item = _page(community, karen, tag_names=["speakers"])
    client.force_login(karen)
    url = reverse("library:edit", args=[item.pk])
    page = client.get(url).content.decode()
    assert 'value="speakers"' in page
    response = client.post(url, {"title": "", "description": "Kept text", "tags": "x"})
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()
    response = client.post(
        url,
        {
            "title": "Speaker checklist (2025)",
            "description": "New",
            "topic_areas": ["Records"],
            "tags": "speakers, rooms",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Speaker checklist (2025)"
    assert {t.name for t in item.tags.all()} == {"speakers", "rooms"}
    assert item.topic_areas == ["Records"]


def test_a_new_version_needs_a_change_note_and_keeps_the_text(client, unit):
    community, karen = unit.community, unit.people.karen
    item = _page(community, karen)
    client.force_login(karen)
    url = reverse("library:new_version", args=[item.pk])
    assert "Book the room" in client.get(url).content.decode()  # the current text to edit
    response = client.post(url, {"body": "# Checklist\n\n- Book the hall", "change_note": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say in a few words what changed." in html
    assert "Book the hall" in html
    response = client.post(
        url, {"body": "# Checklist\n\n- Book the hall", "change_note": "Hall, not room"}
    )
    assert response.status_code == 302
    assert item.versions.count() == 2


def test_a_page_version_shows_its_diff_in_words_not_only_colour(client, unit):
    community, karen = unit.community, unit.people.karen
    item = _page(community, karen, body="Line one\nLine two\n")
    services.add_version(
        actor=karen, item=item, body="Line one\nLine 2\n", change_note="Numbers as digits"
    )
    client.force_login(unit.people.margaret)
    response = client.get(reverse("library:version", args=[item.pk, 2]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Changes from version 1" in html
    assert (
        '<li class="removed"><span class="visually-hidden-label">Removed: </span>Line two</li>'
        in html
    )
    assert '<li class="added"><span class="visually-hidden-label">Added: </span>Line 2</li>' in html
    assert '<li class="same">Line one</li>' in html
    assert "lines marked + were added" in html
    first = client.get(reverse("library:version", args=[item.pk, 1]))
    assert b"nothing to compare it with" in first.content
    assert client.get(reverse("library:version", args=[item.pk, 3])).status_code == 404
    huge = reverse("library:version", args=[item.pk, 1]).replace("/1/", "/99999999999999999999999/")
    assert client.get(huge).status_code == 404


def test_removing_asks_first_and_only_authors_and_facilitators_may(client, unit):
    community, karen, margaret = unit.community, unit.people.karen, unit.people.margaret
    item = _page(community, karen)
    client.force_login(margaret)
    assert client.get(reverse("library:remove", args=[item.pk])).status_code == 404
    client.force_login(karen)
    confirm = client.get(reverse("library:remove", args=[item.pk]))
    assert b"Yes, remove it" in confirm.content
    response = client.post(reverse("library:remove", args=[item.pk]))
    assert response.status_code == 302
    assert client.get(item.get_absolute_url()).status_code == 404


def test_a_huge_item_number_is_a_404_not_a_500(client, unit):
    client.force_login(unit.people.karen)
    assert client.get("/library/99999999999999999999999999/").status_code == 404
    assert client.get("/library/0/").status_code == 404


def test_a_new_file_version_through_the_form(client, unit):
    community, karen = unit.community, unit.people.karen
    item = services.create_item(
        actor=karen,
        community=community,
        kind="document",
        title="Honoraria form",
        uploaded_file=text_file("form.txt", b"v1\n"),
    )
    client.force_login(karen)
    url = reverse("library:new_version", args=[item.pk])
    page = client.get(url).content.decode()
    assert "Upload a new file" in page and "Text (Markdown)" not in page
    response = client.post(
        url, {"change_note": "Fake", "file": SimpleUploadedFile("form.pdf", b"not a pdf")}
    )
    assert response.status_code == 400
    assert "does not look like a pdf" in response.content.decode()
    assert 'value="Fake"' in response.content.decode()
    response = client.post(
        url, {"change_note": "New rates", "file": text_file("form-2025.txt", b"v2\n")}
    )
    assert response.status_code == 302
    assert [v.original_name for v in item.versions.all()] == ["form-2025.txt", "form.txt"]
    html = client.get(reverse("library:version", args=[item.pk, 2])).content.decode()
    assert "download both versions to compare them" in html


def test_a_link_has_no_versions_and_edits_its_address(client, unit):
    community, karen = unit.community, unit.people.karen
    item = services.create_item(
        actor=karen,
        community=community,
        kind="link",
        title="Room booking",
        link_url="https://rooms.example/book",
    )
    client.force_login(karen)
    assert client.get(reverse("library:new_version", args=[item.pk])).status_code == 404
    response = client.post(
        reverse("library:edit", args=[item.pk]),
        {"title": "Room booking", "link_url": "https://rooms.example/new"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.link_url == "https://rooms.example/new"
    adapted = services.adapt_item(
        actor=karen, item=item, community=community, title="Room booking (copy)"
    )
    assert adapted.link_url == "https://rooms.example/new" and adapted.version_count == 0
