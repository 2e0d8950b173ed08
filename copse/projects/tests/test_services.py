"""Starting a project, drafting and saving sections, review and publishing,
through the services and the real database."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copse.core import permissions
from copse.library.models import ItemAuthor, LibraryItem
from copse.projects import merge, selectors, services
from copse.projects.models import Section, SectionRevision
from copse.projects.services import ProjectError, StaleSave
from copse.testing import make_community, make_organisation, make_user, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins():
    """The Administrators' CoP with a facilitator and three section owners."""
    community = make_community(slug="admins", visibility="members")
    office = make_organisation("Office of the President", kind="unit")
    people = {
        "joanne": make_user(name="Joanne Whitfield"),
        "diane": make_user(name="Diane Morrison"),
        "karen": make_user(name="Karen Liu", organisation=office),
        "amira": make_user(name="Amira Hassan"),
    }
    seat(community, people["joanne"], role="facilitator")
    for name in ("diane", "karen", "amira"):
        seat(community, people[name])
    return community, people


@pytest.fixture
def project(admins):
    community, people = admins
    project = services.start_project(
        actor=people["diane"],
        community=community,
        title="SOP: booking visiting speakers",
        goal="Every faculty books speakers **the same way**.",
        section_titles=["Invitation", "Rooms and AV", "Honoraria"],
    )
    sections = list(project.sections.order_by("position"))
    for section, owner in zip(sections, ("diane", "amira", "karen"), strict=True):
        services.update_section(
            actor=people["diane"], section=section, title=section.title, owner=people[owner]
        )
    return project


def _section(project, position):
    section = project.sections.get(position=position)
    section.project = project
    return section


def _write_and_approve(project, people, position, writer, reviewer, text):
    section = _section(project, position)
    services.save_section(
        actor=people[writer],
        section=section,
        body=text,
        based_on=section.revision,
        ready_for_review=True,
    )
    services.approve_section(actor=people[reviewer], section=section, revision=section.revision)
    return section


def test_a_project_starts_with_its_sections_in_order(project):
    titles = list(project.sections.values_list("position", "title"))
    assert titles == [(1, "Invitation"), (2, "Rooms and AV"), (3, "Honoraria")]
    assert "<strong>the same way</strong>" in project.goal_html


def test_delegates_and_outsiders_cannot_start_a_project(admins):
    community, people = admins
    outsider = make_user()
    delegate = make_user()
    seat(community, delegate, role="delegate")
    for person in (outsider, delegate):
        with pytest.raises(ProjectError, match="Only members who take part"):
            services.start_project(actor=person, community=community, title="Mine")


def test_an_owner_must_hold_a_seat(project, admins):
    community, people = admins
    outsider = make_user(name="Olive Outsider")
    with pytest.raises(ProjectError, match="Olive Outsider is not a member"):
        services.add_section(actor=people["diane"], project=project, title="More", owner=outsider)


def test_only_the_starter_and_facilitators_manage_sections(project, admins):
    _, people = admins
    with pytest.raises(ProjectError, match="starter and the facilitators"):
        services.add_section(
            actor=people["karen"], project=project, title="Mine", owner=people["karen"]
        )
    section = services.add_section(
        actor=people["joanne"],
        project=project,
        title="Checklist",
        owner=people["karen"],
        position=1,
    )
    assert list(project.sections.values_list("title", flat=True)) == [
        "Checklist",
        "Invitation",
        "Rooms and AV",
        "Honoraria",
    ]
    services.update_section(
        actor=people["diane"], section=section, title="Checklist", owner=people["karen"], position=9
    )
    assert list(project.sections.values_list("position", "title"))[-1] == (4, "Checklist")


def test_two_people_saving_the_same_section_never_lose_each_others_words(project, admins):
    _, people = admins
    section = _section(project, 2)
    # Both open the editor on the empty section (revision 0).
    services.save_section(actor=people["amira"], section=section, body="Book the room.", based_on=0)
    with pytest.raises(StaleSave) as refused:
        services.save_section(
            actor=people["karen"], section=_section(project, 2), body="Order AV.", based_on=0
        )
    assert refused.value.status == 409
    assert refused.value.conflict == merge.Conflict(
        revision=1, theirs="Book the room.", yours="Order AV."
    )
    assert "Amira Hassan saved a newer version" in refused.value.message
    # Karen merges on top of Amira's revision.
    services.save_section(
        actor=people["karen"],
        section=_section(project, 2),
        body="Book the room.\r\n\r\nOrder AV.",
        based_on=refused.value.conflict.revision,
    )
    section.refresh_from_db()
    assert section.body_markdown == "Book the room.\n\nOrder AV."
    assert section.revision == 2
    history = list(section.revisions.order_by("number").values_list("number", "based_on", "author"))
    assert history == [(1, 0, people["amira"].pk), (2, 1, people["karen"].pk)]


def test_saving_the_same_text_again_makes_no_revision(project, admins):
    _, people = admins
    section = _section(project, 1)
    services.save_section(actor=people["diane"], section=section, body="Text", based_on=0)
    decision = services.save_section(
        actor=people["karen"], section=section, body="Text\n", based_on=0
    )
    assert isinstance(decision, merge.Unchanged)
    assert section.revisions.count() == 1


def test_a_later_edit_takes_the_approval_back(project, admins):
    _, people = admins
    section = _write_and_approve(project, people, 1, "diane", "karen", "First draft")
    section.refresh_from_db()
    assert section.status == Section.Status.APPROVED
    assert section.approved_by == people["karen"]
    services.save_section(
        actor=people["amira"], section=section, body="Changed", based_on=section.revision
    )
    section.refresh_from_db()
    assert section.status == Section.Status.DRAFTING
    assert section.approved_by is None and section.approved_at is None


def test_nobody_approves_their_own_text_or_a_text_that_changed(project, admins):
    _, people = admins
    section = _section(project, 1)
    services.save_section(
        actor=people["diane"], section=section, body="Draft", based_on=0, ready_for_review=True
    )
    with pytest.raises(ProjectError, match="someone else approves it"):
        services.approve_section(actor=people["diane"], section=section, revision=1)
    with pytest.raises(ProjectError, match="changed while you were reading"):
        services.approve_section(actor=people["karen"], section=section, revision=0)
    services.approve_section(actor=people["karen"], section=section, revision=1)


def test_named_reviewers_approve_and_other_members_only_comment(project, admins):
    _, people = admins
    services.update_project(
        actor=people["diane"],
        project=project,
        title=project.title,
        goal=project.goal,
        due_on=None,
        kind="sop",
        reviewers=[people["karen"]],
    )
    project.refresh_from_db()
    section = _section(project, 1)
    services.save_section(
        actor=people["diane"], section=section, body="Draft", based_on=0, ready_for_review=True
    )
    with pytest.raises(ProjectError, match="Only the project's reviewers"):
        services.approve_section(actor=people["amira"], section=section, revision=1)
    services.comment_on_section(actor=people["amira"], section=section, body="Looks good")
    services.approve_section(actor=people["karen"], section=section, revision=1)
    section.refresh_from_db()
    assert section.comment_count == 1
    assert permissions.can(people["joanne"], "project.review", project)


def test_asking_for_review_needs_text(project, admins):
    _, people = admins
    section = _section(project, 3)
    with pytest.raises(ProjectError, match="Write something"):
        services.ask_for_review(actor=people["karen"], section=section)
    services.save_section(actor=people["karen"], section=section, body="Fees", based_on=0)
    services.ask_for_review(actor=people["karen"], section=section)
    assert Section.objects.get(pk=section.pk).status == Section.Status.IN_REVIEW


def test_a_section_someone_wrote_in_cannot_be_removed(project, admins):
    _, people = admins
    written = _section(project, 1)
    services.save_section(actor=people["diane"], section=written, body="Words", based_on=0)
    with pytest.raises(ProjectError, match="stays"):
        services.remove_section(actor=people["diane"], section=written)
    services.remove_section(actor=people["diane"], section=_section(project, 3))
    assert list(project.sections.values_list("position", "title")) == [
        (1, "Invitation"),
        (2, "Rooms and AV"),
    ]


def test_publishing_says_what_is_missing(project, admins):
    _, people = admins
    _write_and_approve(project, people, 1, "diane", "karen", "Invite early.")
    section = _section(project, 2)
    services.save_section(
        actor=people["amira"], section=section, body="Rooms", based_on=0, ready_for_review=True
    )
    with pytest.raises(ProjectError) as refused:
        services.publish(actor=people["joanne"], project=project)
    assert "“Rooms and AV” (Amira Hassan) is waiting for review." in refused.value.message
    assert "“Honoraria” (Karen Liu) has no text yet." in refused.value.message
    assert not LibraryItem.objects.exists()


def test_only_facilitators_publish(project, admins):
    _, people = admins
    with pytest.raises(ProjectError, match="facilitators"):
        services.publish(actor=people["diane"], project=project)


def test_publishing_makes_an_sop_crediting_every_contributor(project, admins):
    community, people = admins
    lee = make_user(name="Lee Park")
    seat(community, lee)
    _write_and_approve(project, people, 1, "diane", "karen", "Invite early.")
    _write_and_approve(project, people, 2, "amira", "karen", "Book the room.")
    section = _section(project, 3)
    services.save_section(actor=lee, section=section, body="Fees", based_on=0)
    services.save_section(
        actor=people["karen"],
        section=section,
        body="Fees and travel",
        based_on=1,
        ready_for_review=True,
    )
    services.approve_section(actor=people["diane"], section=section, revision=2)
    # Lee left the community since: their credit stays.
    seat(community, lee, status="left")

    item = services.publish(actor=people["joanne"], project=project)

    assert item.kind == "sop" and item.community == community
    assert item.title == "SOP: booking visiting speakers"
    body = item.versions.get().body_markdown
    assert body.index("## Invitation") < body.index("## Rooms and AV") < body.index("## Honoraria")
    assert "Book the room." in body
    credit = list(ItemAuthor.objects.filter(item=item).order_by("position"))
    assert [a.name for a in credit] == ["Diane Morrison", "Amira Hassan", "Karen Liu", "Lee Park"]
    assert credit[2].organisation_name == "Office of the President"
    project.refresh_from_db()
    assert project.published_item == item and project.published_version == 1


def test_publishing_again_adds_a_version(project, admins):
    _, people = admins
    for position, owner in ((1, "diane"), (2, "amira"), (3, "karen")):
        _write_and_approve(project, people, position, owner, "joanne", f"Text {position}")
    item = services.publish(actor=people["joanne"], project=project)
    section = _section(project, 2)
    services.save_section(
        actor=people["karen"],
        section=section,
        body="Text 2, with AV",
        based_on=section.revision,
        ready_for_review=True,
    )
    services.approve_section(actor=people["amira"], section=section, revision=section.revision)
    with pytest.raises(ProjectError, match="what changed"):
        services.publish(actor=people["joanne"], project=project)
    again = services.publish(actor=people["joanne"], project=project, change_note="AV added")
    assert again.pk == item.pk
    assert list(item.versions.values_list("number", "change_note")) == [
        (2, "AV added"),
        (1, "Published from the documentation project"),
    ]
    assert "Text 2, with AV" in item.versions.get(number=2).body_markdown
    project.refresh_from_db()
    assert project.published_version == 2


def test_search_finds_projects_by_section_text_only_where_the_viewer_reads(project, admins):
    community, people = admins
    section = _section(project, 2)
    services.save_section(
        actor=people["amira"], section=section, body="Projector in room 101", based_on=0
    )
    assert selectors.search_projects(people["karen"], "projector room") == [project]
    assert selectors.search_projects(people["karen"], "speakers") == [project]
    assert selectors.search_projects(people["karen"], "projector nowhere") == []
    assert selectors.search_projects(make_user(), "projector") == []
    assert selectors.search_projects(None, "projector") == []
    assert selectors.search_projects(people["karen"], "   ") == []


@pytest.mark.parametrize("limit", [0, 1, 500])
def test_search_limits_are_kept(project, admins, limit):
    _, people = admins
    found = selectors.search_projects(people["karen"], "SOP", limit)
    assert len(found) == min(limit, 1)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    order=st.permutations(range(3)),
    merge_on_conflict=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_every_saved_text_is_current_in_history_or_shown_back(
    project, admins, order, merge_on_conflict
):
    """Three people open the same section, then save in any order: each text
    ends up in the history or comes back to its writer, through the database."""
    _, people = admins
    writers = [people["diane"], people["karen"], people["amira"]]
    section = services.add_section(
        actor=people["diane"], project=project, title="Shared", owner=people["diane"]
    )
    texts = {n: f"Words of writer {n}" for n in range(3)}
    shown_back = {}
    for n in order:
        fresh = Section.objects.select_related("project__community").get(pk=section.pk)
        try:
            services.save_section(actor=writers[n], section=fresh, body=texts[n], based_on=0)
        except StaleSave as refused:
            shown_back[n] = refused.conflict.yours
            assert refused.conflict.theirs == fresh.body_markdown
            if merge_on_conflict[n]:
                services.save_section(
                    actor=writers[n],
                    section=fresh,
                    body=f"{refused.conflict.theirs}\n{texts[n]}",
                    based_on=refused.conflict.revision,
                )
    kept = list(
        SectionRevision.objects.filter(section=section).values_list("body_markdown", flat=True)
    )
    current = Section.objects.get(pk=section.pk).body_markdown
    for n, text in texts.items():
        assert any(text in k for k in kept) or shown_back.get(n) == text
    assert current == kept[0] if kept else current == ""


def test_the_published_item_describes_itself_with_the_goal_as_plain_text(project, admins):
    """An item's description is shown as text (with line breaks), not rendered."""
    _, people = admins
    for position, owner in ((1, "diane"), (2, "amira"), (3, "karen")):
        _write_and_approve(project, people, position, owner, "joanne", f"Text {position}")
    item = services.publish(actor=people["joanne"], project=project)
    assert item.description == "Every faculty books speakers the same way."
