"""Shared pytest fixtures: one user in every role the permission core knows,
and (from `copse.core.tests.browser_fixtures`) the browser for the journeys of
every app."""

import os

import pytest
from django.db import transaction
from django.utils import translation

from copse import testing

# A plugin, not a conftest in core/tests: journeys in any app share one
# browser, and the journeys-run-last ordering holds for any set of paths.
pytest_plugins = ["copse.core.tests.browser_fixtures"]


@pytest.fixture(autouse=True)
def _site_language_after_each_test():
    """A request leaves its language active in the thread (as Django does);
    each test starts in the site's language whatever the one before read."""
    yield
    translation.deactivate()


@pytest.fixture
def roles(db):
    """A confidential community and one person in each standing towards it.

    Keys are the roles of the authorization matrix.
    """
    return build_roles()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """One transaction around a whole module, rolled back at its end.

    Data made once in it (see `module_roles`) is shared by the module's tests:
    each test's own transaction is then a savepoint inside it, so what a test
    writes is still undone before the next one. The authorization matrices
    ask thousands of questions of one world; building it once per module
    instead of once per question is most of the suite's time saved.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_roles(module_transaction, django_db_blocker):
    """`roles`, made once for the module (see `module_transaction`)."""
    with django_db_blocker.unblock():
        return build_roles()


@pytest.fixture(scope="module")
def module_world(module_roles, django_db_blocker):
    """The authorization matrix's world (`build_world` there), made once per
    module inside its transaction."""
    from copse.core.tests.test_authorization_matrix import build_world

    with django_db_blocker.unblock():
        return build_world(*module_roles)


@pytest.fixture
def world(module_world, db):
    """The confidential community with a thread, a reply with a file, a
    mention, norms, a request and an invitation, and each app's rows' data.

    Made once per module (`module_world`); each test's writes are undone by
    its own savepoint, and the people's remembered standings are dropped so
    no test sees what an earlier one computed.
    """
    from copse.core import permissions

    _, people, _ = module_world
    for user in people.values():
        if user is not None:
            permissions.forget_standings(user)
    return module_world


def build_roles():
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
        "sponsor": testing.make_user("sponsor@example.com", name="Stan Sponsor", is_sponsor=True),
    }
    testing.request_join(community, people["requester"])
    testing.invite_email(community, "invitee@example.com")
    member = testing.seat(community, people["member"])
    testing.seat(community, people["delegate"], role="delegate", principal=member)
    testing.seat(community, people["guest_presenter"], role="guest_presenter")
    testing.seat(community, people["facilitator"], role="facilitator")
    testing.seat(community, people["former_member"], status="left")
    return community, people


def _on_postgresql() -> bool:
    return (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """Tests of PostgreSQL's own tools and locks are left out of the SQLite
    pass, visibly (pytest counts them as deselected, and the summary says
    why); `make test` runs them in its PostgreSQL pass."""
    if _on_postgresql():
        return
    left_out = [item for item in items if item.get_closest_marker("postgres_only")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]
        config._copse_postgres_only = len(left_out)


def pytest_terminal_summary(terminalreporter, config):
    left_out = getattr(config, "_copse_postgres_only", 0)
    if left_out:
        terminalreporter.write_line(
            f"{left_out} PostgreSQL-only tests left out of this SQLite pass; "
            "they run in the PostgreSQL pass."
        )
    elif not _on_postgresql() and getattr(config.option, "numprocesses", None):
        # With workers, each collects (and leaves out) on its own; the count
        # stays with them, the notice does not.
        terminalreporter.write_line(
            "PostgreSQL-only tests (marked postgres_only) are left out of this "
            "SQLite pass; they run in the PostgreSQL pass."
        )
