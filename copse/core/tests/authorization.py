"""Roles and status shorthands shared by the authorization matrix and by the
rows each app contributes to it (`copse/<app>/tests/authorization_rows.py`).

A rows module has `ROWS` (URL name -> (kwargs_of, method, query, data_of,
statuses)) and `build(community, people, ctx)`, which creates what its URLs
need in the matrix's confidential community and adds ids to `ctx`.
"""

ROLES = [
    "anonymous",
    "non_member",
    "requester",
    "invitee",
    "member",
    "delegate",
    "guest_presenter",
    "facilitator",
    "former_member",
    "site_admin",
    # Granted by site admins (copse/sponsors), seated nowhere: the report's
    # reader. Rows give it an eleventh status where it differs from a
    # non-member's; otherwise it answers as the non-member does.
    "sponsor",
]


def expected_for(statuses, role: str):
    """The status (or flag) a row gives `role`: a row of ten leaves the
    sponsor to answer as the non-member, who is what a sponsor is to every
    community."""
    index = ROLES.index(role)
    if index >= len(statuses):
        index = ROLES.index("non_member")
    return statuses[index]


# Shorthands: one status per role, in ROLES order.
#                an   nm   rq   iv   mb   dl   gp   fc   fm   sa
EVERYONE_200 = [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]
KNOWS_OF = [404, 404, 200, 200, 200, 200, 404, 200, 404, 200]
SEES_MEMBERS = [404, 404, 404, 404, 200, 200, 404, 200, 404, 200]
MANAGES = [302, 404, 404, 404, 404, 404, 404, 200, 404, 200]
MANAGES_POST = [302, 404, 404, 404, 404, 404, 404, 302, 404, 302]
FACILITATES = [302, 404, 404, 404, 404, 404, 404, 200, 404, 404]
PROGRAMME = [302, 404, 404, 404, 404, 404, 404, 404, 404, 200]
SIGNED_IN = [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]
SEATED_POST = [302, 404, 404, 404, 302, 302, 404, 302, 404, 404]
READS = [404, 404, 404, 404, 200, 200, 404, 200, 404, 404]
READS_REDIRECT = [404, 404, 404, 404, 302, 302, 404, 302, 404, 404]
ASKER = [302, 404, 404, 404, 200, 404, 404, 404, 404, 404]
ASKER_POST = [302, 404, 404, 404, 302, 404, 404, 404, 404, 404]
MODERATES = [302, 404, 404, 404, 404, 404, 404, 200, 404, 404]
MODERATES_POST = [302, 404, 404, 404, 404, 404, 404, 302, 404, 404]
# Roles that may not read the community's content: nothing of it may appear.
NON_READERS = {
    "anonymous",
    "non_member",
    "requester",
    "invitee",
    "guest_presenter",
    "former_member",
    "site_admin",
    "sponsor",
}
SECRET = "Telecom costs are out of control"
