"""Home runs the same, bounded number of queries whether the person belongs
to one community or six, each with something of every kind waiting."""

import pytest

from copse.home.tests.world import HomeWorld

pytestmark = pytest.mark.django_db

# The session and the user (2), the standings (3), the visit (1, and 3 when
# it is written: a savepoint, the update, its release), the communities and
# their unread counts (2), new threads, replies, waiting asks (3), meetings
# and the viewer's answers (2), topics (1), proposals (1), pulses (1), value
# prompts (1), join requests and invitations (2), the context processors of
# the base page (unread notifications, bounces: 2), and the session's
# last-seen time (3 when it is written: a savepoint, the update, its release).
HOME_QUERIES = 27


@pytest.mark.parametrize("communities", [1, 6])
def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, communities):
    world = HomeWorld(communities=communities)
    client.force_login(world.viewer)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/home/")
    assert response.status_code == 200
    page = response.content.decode()
    # Everything was there to count: each community's news and waiting items.
    for n in range(communities):
        assert f"Who has moved carriers? ({n})" in page
        assert f"Meet quarterly in person ({n})" in page or n == 0
