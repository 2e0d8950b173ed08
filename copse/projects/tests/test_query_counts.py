"""Project pages run the same number of queries with a small project as with
a large one (many projects, sections, revisions, comments and writers)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.projects.models import Project, Section, SectionComment, SectionRevision

# Measured at both sizes. Every page: session, user, the viewer's standings
# (3) and the notification badge; then its own:
BUDGETS = {
    "list": 8,  # the community, the page of projects with their counts
    "project": 10,  # project, reviewers, sections with owners, contributors
    "section": 11,  # project, reviewers, section, comments, a page of history
    "edit_section": 9,  # project, reviewers, section
    "publish": 10,  # project, reviewers, sections, contributors
}


@pytest.fixture
def cop(db):
    community = testing.make_community(slug="cop", visibility="members")
    people = [testing.make_user() for _ in range(12)]
    testing.seat(community, people[0], role="facilitator")
    for person in people[1:]:
        testing.seat(community, person)
    return community, people


def _grow(community, people, *, projects: int, sections: int, revisions: int, comments: int):
    """Bulk-made projects; the first is the one the pages show."""
    Project.objects.all().delete()
    now = timezone.now()
    made = Project.objects.bulk_create(
        Project(
            community=community,
            title=f"Project {n}",
            goal="A goal",
            goal_html="<p>A goal</p>",
            started_by=people[1],
            updated_at=now,
        )
        for n in range(projects)
    )
    for project in made:
        project.reviewers.set(people[2:5])
    rows = Section.objects.bulk_create(
        Section(
            project=project,
            title=f"Section {n}",
            owner=people[n % len(people)],
            position=n + 1,
            body_markdown="Text",
            body_html="<p>Text</p>",
            revision=revisions,
            revised_by=people[(n + 1) % len(people)],
            revised_at=now,
            status="in_review",
            comment_count=comments,
        )
        for project in made
        for n in range(sections)
    )
    SectionRevision.objects.bulk_create(
        SectionRevision(
            section=section,
            number=number,
            based_on=number - 1,
            body_markdown="Text",
            author=people[number % len(people)],
        )
        for section in rows
        for number in range(1, revisions + 1)
    )
    SectionComment.objects.bulk_create(
        SectionComment(
            section=section,
            author=people[n % len(people)],
            body="Comment",
            body_html="<p>Comment</p>",
        )
        for section in rows
        for n in range(comments)
    )
    return made[0], rows[0]


SIZES = {
    "small": {"projects": 1, "sections": 1, "revisions": 1, "comments": 0},
    "large": {"projects": 40, "sections": 15, "revisions": 30, "comments": 12},
}


def _url(page, project, section):
    slug = project.community.slug
    if page == "list":
        return reverse("projects:list", args=[slug])
    if page in ("project", "publish"):
        return reverse(f"projects:{page}", args=[slug, project.pk])
    return reverse(f"projects:{page}", args=[slug, project.pk, section.pk])


@pytest.mark.parametrize("page", list(BUDGETS))
def test_project_pages_do_not_grow_with_the_data(client, cop, django_assert_max_num_queries, page):
    community, people = cop
    client.force_login(people[0])
    counts = []
    for size in SIZES.values():
        project, section = _grow(community, people, **size)
        url = _url(page, project, section)
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(BUDGETS[page]):
        client.get(url)
