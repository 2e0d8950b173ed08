"""The demo's documentation projects are real: written through the services,
with a section in each state, and every project page reachable by a link."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from copse.accounts.models import User
from copse.projects.models import Project, Section

pytestmark = pytest.mark.django_db


def test_the_administrators_sop_has_three_owners_and_a_section_in_each_state(client):
    call_command("demo", stdout=StringIO())
    project = Project.objects.get(community__slug="administrators-cop")
    assert project.kind == "sop"
    sections = list(project.sections.select_related("owner", "approved_by"))
    assert [s.owner.display_name for s in sections] == [
        "Diane Morrison",
        "Amira Hassan",
        "Karen Liu",
    ]
    assert [s.status for s in sections] == [
        Section.Status.APPROVED,
        Section.Status.IN_REVIEW,
        Section.Status.DRAFTING,
    ]
    assert sections[0].approved_by.display_name == "Joanne Whitfield"
    # Every save is in the history; Lee wrote in Amira's section too.
    assert sections[1].revisions.count() == 2
    assert sections[1].revised_by.display_name == "Lee Chen"

    # The delegate who reads for Margaret finds it from the community's home.
    client.force_login(User.objects.get(email="tom.becker@university.example"))
    home = client.get(reverse("communities:home", args=["administrators-cop"])).content.decode()
    projects = reverse("projects:list", args=["administrators-cop"])
    assert projects in home
    assert project.get_absolute_url() in client.get(projects).content.decode()
    page = client.get(project.get_absolute_url()).content.decode()
    assert "“Rooms, AV and catering” (Amira Hassan) is waiting for review." in page
    assert "“Honoraria, travel and expense forms” (Karen Liu) is still being drafted." in page
