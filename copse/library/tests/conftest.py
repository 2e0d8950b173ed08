"""A small world for the library's tests: a members-only community with a
facilitator and two members of two organisations, and a person elsewhere."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from copse import testing


def text_file(name="checklist.txt", data=b"Visiting speaker checklist\n"):
    return SimpleUploadedFile(name, data, content_type="text/plain")


@pytest.fixture
def unit(db):
    """The Administrators' CoP in small (members-only, unlisted): Margaret
    (Office of the President) and Karen (Department of Chemistry),
    facilitated by Joanne; and a stranger with no seat anywhere."""
    community = testing.make_community(
        slug="admins",
        name="Administrators",
        visibility="members",
        listed=False,
        topic_areas=["Travel and events", "Records", "Zoë's corner"],
    )
    president = testing.make_organisation("Office of the President", kind="unit")
    chemistry = testing.make_organisation("Department of Chemistry", kind="unit")
    people = SimpleNamespace(
        joanne=testing.make_user("joanne@example.com", name="Joanne Whitfield"),
        margaret=testing.make_user(
            "margaret@example.com", name="Margaret Osei", organisation=president
        ),
        karen=testing.make_user("karen@example.com", name="Karen Liu", organisation=chemistry),
        stranger=testing.make_user("stranger@example.com", name="Sam Stranger"),
    )
    testing.seat(community, people.joanne, role="facilitator")
    testing.seat(community, people.margaret)
    testing.seat(community, people.karen)
    return SimpleNamespace(community=community, people=people)
