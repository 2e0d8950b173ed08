"""The directory keeps its rows between requests, keyed by every value they
show (communities/views.py, `_directory_rows`): a change shows at once, and
two viewers of different standing never get each other's rows."""

from django.urls import reverse

from copse import testing
from copse.memberships import services as memberships


def _directory(client, person=None) -> str:
    if person is None:
        client.logout()
    else:
        client.force_login(person)
    return client.get(reverse("communities:directory")).content.decode()


def test_each_viewer_gets_their_own_join_button_and_changes_show_at_once(client, db):
    by_request = testing.make_community(
        slug="by-request", name="Asking Circle", visibility="members", join_policy="request"
    )
    open_one = testing.make_community(
        slug="open-one", name="Open Circle", visibility="open", join_policy="open"
    )
    member, asker = testing.make_user(), testing.make_user()
    testing.seat(by_request, member)

    assert "Sign in to join" in _directory(client)
    mine = _directory(client, member)
    assert "You are a member" in mine and "Sign in to join" not in mine
    theirs = _directory(client, asker)
    assert "You are a member" not in theirs and "Ask to join" in theirs

    memberships.request_to_join(actor=asker, community=by_request, note="Hello")
    assert "Request waiting" in _directory(client, asker)

    memberships.leave(actor=member, community=by_request)
    left = _directory(client, member)
    assert "You are a member" not in left and "Ask to join" in left

    open_one.name = "Open Circle, renamed"
    open_one.purpose = "A new purpose for everyone"
    open_one.save()
    page = _directory(client, asker)
    assert "Open Circle, renamed" in page and "A new purpose for everyone" in page
    assert "Sign in to join" in _directory(client)


def test_a_new_member_shows_in_the_count_at_once(client, db):
    community = testing.make_community(slug="counted", name="Counted", visibility="open")
    viewer = testing.make_user()
    assert "0 members" in _directory(client, viewer)
    testing.seat(community, testing.make_user())
    assert "1 member<" in _directory(client, viewer)
