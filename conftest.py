"""Shared pytest fixtures: one user in every role the permission core knows,
and (from `copse.core.tests.browser_fixtures`) the browser for the journeys of
every app."""

import pytest

from copse import testing

# A plugin, not a conftest in core/tests: journeys in any app share one
# browser, and the journeys-run-last ordering holds for any set of paths.
pytest_plugins = ["copse.core.tests.browser_fixtures"]


@pytest.fixture
def roles(db):
    """A confidential community and one person in each standing towards it.

    Keys are the roles of the authorization matrix.
    """
    community = testing.make_community(
        slug="circle",
        name="The Circle",
        visibility="confidential",
        listed=False,
        join_policy="request",
    )
    org = testing.make_organisation("Northwind")
    people = {
        "anonymous": None,
        "non_member": testing.make_user("outsider@example.com", name="Olive Outsider"),
        "requester": testing.make_user("requester@example.com", name="Rita Requester"),
        "invitee": testing.make_user("invitee@example.com", name="Ivan Invitee"),
        "member": testing.make_user("member@example.com", name="Mona Member", organisation=org),
        "delegate": testing.make_user("delegate@example.com", name="Dee Delegate"),
        "guest_presenter": testing.make_user("guest@example.com", name="Gus Guest"),
        "facilitator": testing.make_user("facilitator@example.com", name="Fay Facilitator"),
        "former_member": testing.make_user("former@example.com", name="Fred Former"),
        "site_admin": testing.make_site_admin(email="admin@example.com", name="Ada Admin"),
    }
    testing.request_join(community, people["requester"])
    testing.invite_email(community, "invitee@example.com")
    member = testing.seat(community, people["member"])
    testing.seat(community, people["delegate"], role="delegate", principal=member)
    testing.seat(community, people["guest_presenter"], role="guest_presenter")
    testing.seat(community, people["facilitator"], role="facilitator")
    testing.seat(community, people["former_member"], status="left")
    return community, people
