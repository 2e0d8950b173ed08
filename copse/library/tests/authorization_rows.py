"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The item's title carries the matrix's SECRET, so the matrix's leak check
asserts that no role without `community.read` ever sees it. The matrix's
community is confidential and does not allow sharing, so an item is read
exactly as the community is, and nobody may share it (its share page is
nobody's). The public link belongs to an item of another, open community,
written by someone outside the matrix's roles: a link works for whoever
holds it.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from copse.core.tests.authorization import EVERYONE_200, READS, SECRET

#                                                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# Members who take part add; delegates read but do not add.
ADDS = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
# The item's author (the member) and the community's facilitators change it.
CHANGES = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
# Adapting needs a library of one's own to adapt into: delegates have none.
ADAPTS = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
# Whoever reads it and is signed in says they re-used it.
REUSES = [302, 404, 404, 404, 200, 200, 404, 200, 404, 404]
# Sharing beyond a community that does not allow it: nobody.
NOBODY = [302, 404, 404, 404, 404, 404, 404, 404, 404, 404]


def _slug(ctx):
    return {"slug": "circle"}


def _item(ctx):
    return {"item_id": ctx["library_item_id"]}


def _version(ctx):
    return {"item_id": ctx["library_item_id"], "number": 1}


def _token(ctx):
    return {"token": ctx["library_public_token"]}


def _shared_version(ctx):
    return {"token": ctx["library_public_token"], "number": 1}


ROWS = {
    "library:list": (_slug, "get", "", None, READS),
    "library:add": (_slug, "get", "", None, ADDS),
    "library:item": (_item, "get", "", None, READS),
    "library:download": (_version, "get", "", None, READS),
    "library:version": (_version, "get", "", None, READS),
    "library:edit": (_item, "get", "", None, CHANGES),
    "library:new_version": (_item, "get", "", None, CHANGES),
    "library:remove": (_item, "get", "", None, CHANGES),
    "library:share": (_item, "get", "", None, NOBODY),
    "library:adapt": (_item, "get", "", None, ADAPTS),
    "library:reuse": (_item, "get", "", None, REUSES),
    "library:shared": (_token, "get", "", None, EVERYONE_200),
    "library:shared_download": (_shared_version, "get", "", None, EVERYONE_200),
}


def build(community, people, ctx):
    """A template the member uploaded, with the secret in its title; and an
    item of an open community shared by public link."""
    from copse import testing
    from copse.library import services

    item = services.create_item(
        actor=people["member"],
        community=community,
        kind="template",
        title=f"{SECRET}: carrier contract template",
        uploaded_file=SimpleUploadedFile(
            "contract.txt", b"Carrier contract clauses\n", content_type="text/plain"
        ),
    )
    ctx["library_item_id"] = item.pk

    commons = testing.make_community(slug="commons", name="Commons", visibility="open")
    author = testing.make_user("commons-author@example.com", name="Cora Commons")
    testing.seat(commons, author)
    shared = services.create_item(
        actor=author,
        community=commons,
        kind="template",
        title="Agenda template",
        uploaded_file=SimpleUploadedFile("agenda.txt", b"1. Welcome\n", content_type="text/plain"),
    )
    services.share_item(actor=author, item=shared, sharing="public", confirmed=True)
    ctx["library_public_token"] = shared.public_token
