"""Fixtures of the webhook tests: a receiver on loopback that the site is
allowed to send to, and a community with a facilitator and a member."""

import pytest

from copse import testing
from copse.webhooks.tests.receiver import Receiver


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def loopback_allowed(settings):
    """The suite's own receiver lives on loopback: the site setting allows it
    here, and only here."""
    settings.COPSE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.COPSE_WEBHOOKS_TIMEOUT_SECONDS = 2
    return settings


@pytest.fixture
def circle(db):
    """A members-only community with a facilitator and a member."""
    community = testing.make_community(
        slug="admins", name="Administrators' CoP", visibility="members", listed=True
    )
    facilitator = testing.make_user("maria@example.com", name="Maria Facilitator")
    member = testing.make_user("dev@example.com", name="Dev Member")
    testing.seat(community, facilitator, role="facilitator")
    testing.seat(community, member)
    return community, facilitator, member
