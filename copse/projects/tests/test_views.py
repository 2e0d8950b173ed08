"""The project pages as people use them without JavaScript: plain forms, a
409 that shows both texts and keeps the writer's, and messages that say what
is still open."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from copse.library.models import LibraryItem
from copse.projects import services
from copse.projects.models import Section
from copse.testing import make_community, make_user, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def cop():
    community = make_community(slug="admins", visibility="members")
    people = {
        "joanne": make_user(name="Joanne Whitfield"),
        "diane": make_user(name="Diane Morrison"),
        "karen": make_user(name="Karen Liu"),
        "tom": make_user(name="Tom Becker"),
    }
    seat(community, people["joanne"], role="facilitator")
    diane = seat(community, people["diane"])
    seat(community, people["karen"])
    seat(community, people["tom"], role="delegate", principal=diane)
    project = services.start_project(
        actor=people["diane"],
        community=community,
        title="SOP: booking visiting speakers",
        goal="One way for every faculty.",
        section_titles=["Invitation", "Rooms"],
    )
    return community, people, project


def _urls(project, section=None):
    slug = project.community.slug
    urls = {
        "list": reverse("projects:list", args=[slug]),
        "project": reverse("projects:project", args=[slug, project.pk]),
        "publish": reverse("projects:publish", args=[slug, project.pk]),
    }
    if section is not None:
        for name in ("section", "edit_section", "comment", "approve", "ask_for_review"):
            urls[name] = reverse(f"projects:{name}", args=[slug, project.pk, section.pk])
    return urls


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _no_inline_code(html):
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_the_list_links_to_projects_and_lets_members_start_one(client, cop):
    community, people, project = cop
    client.force_login(people["karen"])
    html = client.get(_urls(project)["list"]).content.decode()
    assert project.get_absolute_url() in html
    assert "0 of 2 sections approved" in html
    assert reverse("projects:new", args=[community.slug]) in html
    _no_inline_code(html)
    # The library's list links here.
    library = client.get(reverse("library:list", args=[community.slug])).content.decode()
    assert _urls(project)["list"] in library


def test_a_delegate_reads_but_is_offered_nothing_to_write(client, cop):
    community, people, project = cop
    client.force_login(people["tom"])
    html = client.get(_urls(project)["list"]).content.decode()
    assert "Start a project" not in html
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Edit the project" not in html and "Publish" not in html
    assert client.get(reverse("projects:new", args=[community.slug])).status_code == 404


def test_an_empty_list_says_what_to_do_next(client, cop):
    community, people, _ = cop
    other = make_community(slug="other", visibility="members")
    seat(other, people["karen"])
    client.force_login(people["karen"])
    html = client.get(reverse("projects:list", args=["other"])).content.decode()
    assert "No documentation projects yet. Start one" in html


def test_starting_a_project_without_a_title_keeps_what_was_typed(client, cop):
    community, people, _ = cop
    client.force_login(people["karen"])
    url = reverse("projects:new", args=[community.slug])
    response = client.post(url, {"title": "", "goal": "My goal", "kind": "sop", "sections": "A\nB"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the project a title." in html
    assert "My goal" in html and "A\nB" in html
    response = client.post(
        url,
        {
            "title": "Minutes SOP",
            "kind": "sop",
            "sections": "Before\n\nAfter",
            "due_on": "2030-06-30",
        },
    )
    assert response.status_code == 302
    created = community.projects.get(title="Minutes SOP")
    assert created.due_on.isoformat() == "2030-06-30"
    assert list(created.sections.values_list("title", flat=True)) == ["Before", "After"]


def test_the_project_page_shows_owners_status_and_what_is_open(client, cop):
    community, people, project = cop
    section = project.sections.get(position=1)
    services.update_section(
        actor=people["diane"], section=section, title="Invitation", owner=people["karen"]
    )
    services.save_section(
        actor=people["karen"],
        section=section,
        body="Invite early",
        based_on=0,
        ready_for_review=True,
    )
    client.force_login(people["diane"])
    html = client.get(project.get_absolute_url()).content.decode()
    assert "<td>Karen Liu</td>" in html
    assert "In review" in html
    assert "“Invitation” (Karen Liu) is waiting for review." in html
    assert "“Rooms” (Diane Morrison) has no text yet." in html
    assert (
        "Contributors</strong> (credited when it is published): Karen Liu, Diane Morrison" in html
    )
    _no_inline_code(html)


def test_a_project_is_only_found_under_its_own_community(client, cop):
    _, people, project = cop
    other = make_community(slug="other", visibility="members")
    seat(other, people["karen"])
    client.force_login(people["karen"])
    url = reverse("projects:project", args=["other", project.pk])
    assert client.get(url).status_code == 404


def test_a_stale_save_answers_409_with_both_texts_and_keeps_yours(client, cop):
    _, people, project = cop
    section = project.sections.get(position=1)
    urls = _urls(project, section)
    client.force_login(people["karen"])
    form = client.get(urls["edit_section"]).content.decode()
    assert 'name="based_on" value="0"' in form
    # Diane saves first.
    services.save_section(
        actor=people["diane"], section=section, body="Diane's invitation steps", based_on=0
    )
    response = client.post(
        urls["edit_section"], {"body": "Karen's checklist\r\nline two", "based_on": "0"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Diane Morrison saved a newer version of this section while you were writing" in html
    assert (
        '<textarea id="theirs" rows="12" readonly>Diane&#x27;s invitation steps</textarea>' in html
    )
    assert "Karen&#x27;s checklist\nline two</textarea>" in html
    assert 'name="based_on" value="1"' in html
    assert "Only in yours: </span>Karen&#x27;s checklist" in html
    _no_inline_code(html)
    # Merged and saved again on top of Diane's revision.
    response = client.post(
        urls["edit_section"],
        {"body": "Diane's invitation steps\n\nKaren's checklist", "based_on": "1"},
    )
    assert response.status_code == 302
    assert "Saved as revision 2." in _messages(response)
    section.refresh_from_db()
    assert section.body_markdown == "Diane's invitation steps\n\nKaren's checklist"


def test_a_save_without_its_revision_is_treated_as_stale(client, cop):
    _, people, project = cop
    section = project.sections.get(position=1)
    services.save_section(actor=people["diane"], section=section, body="Kept", based_on=0)
    client.force_login(people["karen"])
    response = client.post(_urls(project, section)["edit_section"], {"body": "Mine"})
    assert response.status_code == 409
    section.refresh_from_db()
    assert section.body_markdown == "Kept"


def test_review_comment_and_approval_through_the_pages(client, cop):
    _, people, project = cop
    section = project.sections.get(position=1)
    urls = _urls(project, section)
    client.force_login(people["diane"])
    client.post(urls["edit_section"], {"body": "Invite early.", "based_on": "0"})
    response = client.post(urls["ask_for_review"])
    assert "The section is in review now." in _messages(response)
    html = client.get(urls["section"]).content.decode()
    assert "You wrote the latest revision, so another reviewer approves it." in html
    assert "Approve revision" not in html

    client.force_login(people["karen"])
    response = client.post(urls["comment"], {"body": ""})
    assert response.status_code == 400
    assert "Write the comment before sending it." in response.content.decode()
    response = client.post(urls["comment"], {"body": "Say **how** early."})
    assert response.status_code == 302
    html = client.get(urls["section"]).content.decode()
    assert "Comments (1)" in html and "<strong>how</strong>" in html
    assert "Approve revision 1" in html
    response = client.post(urls["approve"], {"revision": "1"})
    assert "You approved “Invitation”." in _messages(response)
    assert Section.objects.get(pk=section.pk).status == Section.Status.APPROVED
    # A stale approval is refused with a reason, not an error page.
    response = client.post(urls["approve"], {"revision": "nonsense"})
    assert response.status_code == 302
    assert "The section changed while you were reading it; read it again." in _messages(response)


def test_history_keeps_every_revision_and_shows_an_old_one(client, cop):
    _, people, project = cop
    section = project.sections.get(position=1)
    for n in range(25):
        services.save_section(
            actor=people["diane"], section=section, body=f"Version {n}", based_on=n
        )
    client.force_login(people["karen"])
    url = _urls(project, section)["section"]
    html = client.get(url).content.decode()
    assert "Revision 25 (current)" in html
    assert "?before=6" in html
    older = client.get(url + "?before=6").content.decode()
    assert "Revision 5" in older and "Revision 6<" not in older
    old = client.get(url + "?revision=3").content.decode()
    assert "Version 2" in old and "Back to the current text" in old


def test_publishing_from_the_pages(client, cop):
    community, people, project = cop
    for section in project.sections.all():
        services.save_section(
            actor=people["diane"],
            section=section,
            body=f"Text of {section.title}",
            based_on=0,
            ready_for_review=True,
        )
    client.force_login(people["joanne"])
    urls = _urls(project)
    html = client.get(urls["publish"]).content.decode()
    assert "It cannot be published yet" in html
    assert "“Rooms” (Diane Morrison) is waiting for review." in html
    response = client.post(urls["publish"])
    assert response.status_code == 400
    assert not LibraryItem.objects.exists()

    for section in project.sections.all():
        services.approve_section(actor=people["karen"], section=section, revision=1)
    html = client.get(urls["publish"]).content.decode()
    assert "Credited as authors" in html and "Diane Morrison" in html
    response = client.post(urls["publish"])
    item = LibraryItem.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    html = client.get(project.get_absolute_url()).content.decode()
    assert f'Published as <a href="{item.get_absolute_url()}">' in html
    assert "Publish again" in html
    # Diane is not a facilitator: the publish page is not hers to see.
    client.force_login(people["diane"])
    assert client.get(urls["publish"]).status_code == 404


def test_managing_sections_from_the_pages(client, cop):
    community, people, project = cop
    client.force_login(people["diane"])
    url = reverse("projects:add_section", args=[community.slug, project.pk])
    response = client.post(url, {"title": "", "owner": people["karen"].pk})
    assert response.status_code == 400
    response = client.post(
        url, {"title": "Honoraria", "owner": people["karen"].pk, "position": "1"}
    )
    assert response.status_code == 302
    added = project.sections.get(title="Honoraria")
    assert added.position == 1 and added.owner == people["karen"]
    # A delegate cannot own a section: they are not among the choices.
    settings_url = reverse("projects:section_settings", args=[community.slug, project.pk, added.pk])
    response = client.post(settings_url, {"title": "Honoraria", "owner": people["tom"].pk})
    assert response.status_code == 400
    assert "Choose a member of this community." in response.content.decode()
    response = client.post(settings_url, {"remove": "1"})
    assert response.status_code == 302
    assert not project.sections.filter(title="Honoraria").exists()


def test_the_project_page_speaks_the_readers_language(client, cop):
    community, people, project = cop
    client.force_login(people["diane"])
    french = {"accept-language": "fr"}
    page = html.unescape(client.get(project.get_absolute_url(), headers=french).content.decode())
    assert "Encore en cours" in page
    assert "« Invitation » (Diane Morrison) n'a pas encore de texte." in page
    listing = client.get(reverse("projects:list", args=[community.slug]), headers=french)
    assert "0 sections approuvées sur 2" in listing.content.decode()
