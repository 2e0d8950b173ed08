"""The community the seat attacks are made on: the `roles` fixture's
confidential circle (join by request), where one thread holds a secret."""

import pytest

from copse.conversations import services as conversations
from copse.core import permissions

SECRET = "Telecom costs are out of control"


@pytest.fixture
def circle(roles):
    community, people = roles
    thread = conversations.start_thread(
        actor=people["facilitator"],
        community=community,
        kind="discussion",
        title=SECRET,
        body="Ours doubled.",
    )
    return community, people, thread


def reads(user, community) -> bool:
    """Whether `user` reads `community` now, their standings asked afresh."""
    permissions.forget_standings(user)
    return permissions.can(user, "community.read", community)
