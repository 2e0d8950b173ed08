"""The project rules of the permission core, for every role of the matrix."""

import pytest

from copse.core import permissions
from copse.core.tests.authorization import ROLES, expected_for
from copse.projects import services
from copse.testing import make_user, seat

#                                   an nm rq iv mb dl gp fc fm sa
RULES = {
    "project.start": [0, 0, 0, 0, 1, 0, 0, 1, 0, 0],
    "project.read": [0, 0, 0, 0, 1, 1, 0, 1, 0, 0],
    "project.edit_section": [0, 0, 0, 0, 1, 0, 0, 1, 0, 0],
    "project.comment": [0, 0, 0, 0, 1, 0, 0, 1, 0, 0],
    "project.review": [0, 0, 0, 0, 1, 0, 0, 1, 0, 0],
    "project.publish": [0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
    # The member started it.
    "project.manage": [0, 0, 0, 0, 1, 0, 0, 1, 0, 0],
}
CASES = [(action, role) for action in RULES for role in ROLES]


@pytest.fixture
def project(roles):
    community, people = roles
    return services.start_project(actor=people["member"], community=community, title="Runbook")


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_project_rules_answer_each_role(roles, project, action, role):
    community, people = roles
    target = community if action == "project.start" else project
    want = bool(expected_for(RULES[action], role))
    assert permissions.can(people[role], action, target) is want


def test_named_reviewers_narrow_who_approves(roles, project):
    community, people = roles
    colleague = make_user()
    seat(community, colleague)
    services.update_project(
        actor=people["member"],
        project=project,
        title=project.title,
        goal="",
        due_on=None,
        kind="sop",
        reviewers=[colleague],
    )
    project.refresh_from_db()
    assert permissions.can(colleague, "project.review", project)
    assert permissions.can(people["facilitator"], "project.review", project)
    assert not permissions.can(people["member"], "project.review", project)
    # Everyone who takes part still comments.
    assert permissions.can(people["member"], "project.comment", project)


def test_a_starter_who_leaves_no_longer_manages(roles, project):
    community, people = roles
    seat(community, people["member"], status="left")
    assert not permissions.can(people["member"], "project.manage", project)


def test_sections_are_judged_under_their_project(roles, project):
    community, people = roles
    section = services.add_section(
        actor=people["member"], project=project, title="Steps", owner=people["member"]
    )
    assert permissions.can(people["delegate"], "project.read", section)
    assert not permissions.can(people["non_member"], "project.read", section)
