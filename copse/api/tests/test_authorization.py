"""Every API operation against every role, through a token of each scope.

The community under test is the page matrix's confidential, unlisted one
(`world` from copse/core/tests/test_authorization_matrix.py), with its
SECRET in a thread title. For each operation and role:
- a token with the scope the method needs answers as the row says, and a
  role that may not read the community never sees the SECRET;
- a token without that scope gets 403 before anything is looked up, so it
  learns nothing either (the site administration operations need `admin`,
  which only a site admin's token can hold);
- no token at all gets 401.

An operation in the OpenAPI document without a row here fails
`test_every_api_operation_has_a_row`.
"""

import json

import pytest

from copse.api.main import api
from copse.api.tests.helpers import bearer, token_for
from copse.core.tests.authorization import (
    KNOWS_OF,
    NON_READERS,
    READS,
    ROLES,
    SECRET,
    SEES_MEMBERS,
    expected_for,
)
from copse.meetings.tests.authorization_rows import PRESENTER_TOO

# One status per role, in ROLES order (anonymous first: always 401 here).
#            an   nm   rq   iv   mb   dl   gp   fc   fm   sa
SIGNED_IN = [401, 200, 200, 200, 200, 200, 200, 200, 200, 200]
# Nobody but a site admin can hold the `admin` scope: everyone else's token
# (or session) lacks it, 403.
ADMIN_ONLY = [401, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403]


def _api(statuses):
    """A page row's statuses as the API answers them: signed out is 401."""
    return [401, *statuses[1:]]


def _slug(ctx):
    return {"slug": "circle"}


def _thread(ctx):
    return {"thread_id": ctx["thread_id"]}


def _opening(ctx):
    return {"post_id": ctx["opening_post_id"]}


def _reply(ctx):
    return {"post_id": ctx["reply_post_id"]}


def _meeting(ctx):
    return {"meeting_id": ctx["meeting_id"]}


def _topic(ctx):
    return {"topic_id": ctx["topic_id"]}


# (method, path) -> (path parameters, query, JSON body (or a function of ctx) or None, statuses)
ROWS = {
    ("GET", "/api/me"): (None, "", None, SIGNED_IN),
    ("PATCH", "/api/me"): (None, "", {"bio": "Hello"}, SIGNED_IN),
    # The directory lists what each may know of; the SECRET is in no community row.
    ("GET", "/api/communities"): (None, "", None, SIGNED_IN),
    ("GET", "/api/communities/{slug}"): (_slug, "", None, _api(KNOWS_OF)),
    ("GET", "/api/communities/{slug}/members"): (_slug, "", None, _api(SEES_MEMBERS)),
    ("GET", "/api/communities/{slug}/threads"): (_slug, "", None, _api(READS)),
    # A delegate reads for their principal and speaks for nobody.
    ("POST", "/api/communities/{slug}/threads"): (
        _slug,
        "",
        {"kind": "discussion", "title": "New one", "body": "Hello"},
        [401, 404, 404, 404, 201, 403, 404, 201, 404, 404],
    ),
    ("GET", "/api/threads/{thread_id}"): (_thread, "", None, _api(READS)),
    ("GET", "/api/threads/{thread_id}/posts"): (_thread, "", None, _api(READS)),
    ("POST", "/api/threads/{thread_id}/posts"): (
        _thread,
        "",
        {"body": "Thanks"},
        [401, 404, 404, 404, 201, 403, 404, 201, 404, 404],
    ),
    ("GET", "/api/posts/{post_id}"): (_opening, "", None, _api(READS)),
    # Only its author edits a post (the member opened the ask).
    ("PATCH", "/api/posts/{post_id}"): (
        _opening,
        "",
        {"body": "Edited"},
        [401, 404, 404, 404, 200, 403, 404, 403, 404, 404],
    ),
    # Site administration: a site admin's `admin` token, nobody else's.
    ("GET", "/api/admin/organisations"): (None, "", None, ADMIN_ONLY),
    ("POST", "/api/admin/organisations"): (
        None,
        "",
        {"name": "Fabrikam", "kind": "company", "domains": ["fabrikam.example"]},
        [401, 403, 403, 403, 403, 403, 403, 403, 403, 201, 403],
    ),
    ("GET", "/api/admin/communities"): (None, "", None, ADMIN_ONLY),
    # Only the asker marks a reply helpful.
    ("POST", "/api/posts/{post_id}/helpful"): (
        _reply,
        "",
        {"helpful": True},
        [401, 404, 404, 404, 200, 403, 404, 403, 404, 404],
    ),
    # Meetings: a guest presenter reads the meeting they present at (their
    # own agenda item only), and their answer to it, which they may not give.
    ("GET", "/api/communities/{slug}/meetings"): (_slug, "", None, _api(READS)),
    ("GET", "/api/meetings"): (None, "", None, SIGNED_IN),
    ("GET", "/api/meetings/{meeting_id}"): (_meeting, "", None, _api(PRESENTER_TOO)),
    ("GET", "/api/meetings/{meeting_id}/rsvp"): (_meeting, "", None, _api(PRESENTER_TOO)),
    ("PUT", "/api/meetings/{meeting_id}/rsvp"): (
        _meeting,
        "",
        {"answer": "yes", "dinner": True},
        [401, 404, 404, 404, 200, 200, 403, 200, 404, 404],
    ),
    # The member's delegate is the matrix's delegate; nobody else has one.
    ("POST", "/api/meetings/{meeting_id}/delegate"): (
        _meeting,
        "",
        lambda ctx: {"delegate": ctx["delegate_id"]},
        [401, 404, 404, 404, 200, 400, 403, 400, 404, 404],
    ),
    ("GET", "/api/meetings/{meeting_id}/people"): (_meeting, "", None, _api(READS)),
    # Topics: delegates follow the backlog; the member they stand in for takes part.
    ("GET", "/api/communities/{slug}/topics"): (_slug, "", None, _api(READS)),
    ("POST", "/api/communities/{slug}/topics"): (
        _slug,
        "",
        {"title": "Vendor risk reviews", "why": "Audits are coming.", "area": "Technology"},
        [401, 404, 404, 404, 201, 403, 404, 201, 404, 404],
    ),
    ("GET", "/api/topics/{topic_id}"): (_topic, "", None, _api(READS)),
    # The member nominated it; facilitators edit any topic.
    ("PATCH", "/api/topics/{topic_id}"): (
        _topic,
        "",
        {"why": "Contracts end in March."},
        [401, 404, 404, 404, 200, 403, 404, 200, 404, 404],
    ),
    ("POST", "/api/topics/{topic_id}/vote"): (
        _topic,
        "",
        None,
        [401, 404, 404, 404, 200, 403, 404, 200, 404, 404],
    ),
    ("DELETE", "/api/topics/{topic_id}/vote"): (
        _topic,
        "",
        None,
        [401, 404, 404, 404, 200, 403, 404, 200, 404, 404],
    ),
}


# The library, proposals and notifications: the items and proposals are those
# the library's and decisions' rows build in the matrix community; the
# notification is the member's mention in the matrix's thread.
def _item(ctx):
    return {"item_id": ctx["library_item_id"]}


def _proposal(ctx):
    return {"proposal_id": ctx["proposal_id"]}


def _notification(ctx):
    return {"notification_id": ctx["notification_id"]}


ROWS.update(
    {
        ("GET", "/api/communities/{slug}/library"): (_slug, "", None, _api(READS)),
        ("GET", "/api/library/{item_id}"): (_item, "", None, _api(READS)),
        ("GET", "/api/communities/{slug}/proposals"): (_slug, "", None, _api(READS)),
        ("GET", "/api/proposals/{proposal_id}"): (_proposal, "", None, _api(READS)),
        # Members and facilitators answer; a delegate reads and is refused (403).
        ("PUT", "/api/proposals/{proposal_id}/position"): (
            _proposal,
            "",
            {"stance": "agree", "reason": "Fine by me."},
            [401, 404, 404, 404, 200, 403, 404, 200, 404, 404],
        ),
        # Each caller's own inbox; the mention is the member's alone.
        ("GET", "/api/notifications"): (None, "", None, SIGNED_IN),
        ("POST", "/api/notifications/read"): (None, "", None, SIGNED_IN),
        ("POST", "/api/notifications/{notification_id}/read"): (
            _notification,
            "",
            None,
            [401, 404, 404, 404, 200, 404, 404, 404, 404, 404],
        ),
    }
)


def _operations():
    document = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }


def test_every_api_operation_has_a_row():
    operations = _operations()
    assert not operations - set(ROWS), f"API operations without a row: {operations - set(ROWS)}"
    assert not set(ROWS) - operations, f"Rows for no operation: {set(ROWS) - operations}"


def _call(client, method, path, params, query, body, headers):
    url = path.format(**(params or {})) + query
    if body is None:
        return getattr(client, method.lower())(url, **headers)
    return getattr(client, method.lower())(
        url, data=json.dumps(body), content_type="application/json", **headers
    )


CASES = [(method, path, role) for (method, path) in ROWS for role in ROLES]


@pytest.mark.parametrize(
    ("method", "path", "role"), CASES, ids=[f"{m} {p} {r}" for m, p, r in CASES]
)
def test_operation_answers_each_role_as_the_row_says(client, world, method, path, role):
    community, people, ctx = world
    params_of, query, body, statuses = ROWS[(method, path)]
    params = params_of(ctx) if params_of else None
    body = body(ctx) if callable(body) else body
    admin = path.startswith("/api/admin/")
    needed = "admin" if admin else ("read" if method == "GET" else "write")
    user = people[role]
    if user is None:
        response = _call(client, method, path, params, query, body, {})
        assert response.status_code == 401
        return

    wrong = {"read": ["write"], "write": ["read"], "admin": ["read", "write"]}[needed]
    refused = _call(
        client, method, path, params, query, body, bearer(token_for(user, scopes=wrong))
    )
    assert refused.status_code == 403, f"{method} {path} with a {wrong} token as {role}"
    assert SECRET.encode() not in refused.content

    # Only a site admin can hold `admin`: the others keep trying with all
    # they may hold.
    right = [needed] if needed != "admin" or role == "site_admin" else ["read", "write"]
    response = _call(
        client, method, path, params, query, body, bearer(token_for(user, scopes=right))
    )
    want = expected_for(statuses, role)
    assert response.status_code == want, f"{method} {path} as {role}: {response.content[:300]}"
    if response.status_code == 404:
        assert community.name.encode() not in response.content
    if role in NON_READERS:
        assert SECRET.encode() not in response.content, f"{method} {path} shows it to {role}"
