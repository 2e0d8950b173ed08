"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The item's title carries the matrix's SECRET, so the matrix's leak check
asserts that no role without `community.read` ever sees it. The matrix's
community is confidential and does not allow sharing, so an item is read
exactly as the community is.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from copse.core.tests.authorization import READS, SECRET

#                                                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# Members who take part add; delegates read but do not add.
ADDS = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]


def _slug(ctx):
    return {"slug": "circle"}


def _item(ctx):
    return {"item_id": ctx["library_item_id"]}


def _version(ctx):
    return {"item_id": ctx["library_item_id"], "number": 1}


ROWS = {
    "library:list": (_slug, "get", "", None, READS),
    "library:add": (_slug, "get", "", None, ADDS),
    "library:item": (_item, "get", "", None, READS),
    "library:download": (_version, "get", "", None, READS),
}


def build(community, people, ctx):
    """A template the member uploaded, with the secret in its title."""
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
