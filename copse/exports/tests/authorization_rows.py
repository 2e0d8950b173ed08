"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The facilitator has an export of the confidential community made, holding
the matrix's SECRET thread; the member has a copy of their own data. Only
the one who asked reaches either: not the site admin, not a former member,
not the other seated, not the sponsor. Asking for one's own data is open to
anyone signed in; asking for the community's, to its facilitators.
"""

from copse.core.tests.authorization import ASKER, FACILITATES, MODERATES_POST, SIGNED_IN


def _slug(ctx):
    return {"slug": "circle"}


def _community_export(ctx):
    return {"slug": "circle", "export_id": ctx["community_export_id"]}


def _personal_export(ctx):
    return {"export_id": ctx["personal_export_id"]}


ROWS = {
    "exports:community": (_slug, "get", "", None, FACILITATES),
    "exports:community_new": (_slug, "post", "", None, MODERATES_POST),
    "exports:community_status": (_community_export, "get", "", None, FACILITATES),
    "exports:community_download": (_community_export, "get", "", None, FACILITATES),
    "exports:personal": (None, "get", "", None, SIGNED_IN),
    "exports:personal_new": (None, "post", "", None, [302] * 10),
    # The member's own copy: theirs alone (ASKER: the member, and nobody else).
    "exports:personal_status": (_personal_export, "get", "", None, ASKER),
    "exports:personal_download": (_personal_export, "get", "", None, ASKER),
}


def build(community, people, ctx):
    from copse.exports import building, services

    made = services.request_community_export(actor=people["facilitator"], community=community)
    assert building.build(made.pk) == "ready"
    own = services.request_personal_export(actor=people["member"])
    assert building.build(own.pk) == "ready"
    ctx.update(community_export_id=made.pk, personal_export_id=own.pk)
