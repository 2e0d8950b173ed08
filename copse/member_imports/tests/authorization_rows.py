"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

Uploading a list is `community.invite` (the community's facilitators, and
site admins, whose invitations are announced); a list once uploaded is its
uploader's alone: the matrix's facilitator uploaded the one asked about, so
even a site admin gets 404 for it."""

from copse.core.tests.authorization import MANAGES, MANAGES_POST

#                   an   nm   rq   iv   mb   dl   gp   fc   fm   sa
UPLOADER = [302, 404, 404, 404, 404, 404, 404, 200, 404, 404]
UPLOADER_POST = [302, 404, 404, 404, 404, 404, 404, 302, 404, 404]


def _slug(ctx):
    return {"slug": "circle"}


def _list(ctx):
    return {"slug": "circle", "import_id": ctx["member_import_id"]}


def _file(ctx):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("list.csv", b"email\nnew.person@example.com\n")}


ROWS = {
    "member_imports:upload": (_slug, "get", "", None, MANAGES),
    "member_imports:upload#post": (_slug, "post", "", _file, MANAGES_POST),
    "member_imports:preview": (_list, "get", "", None, UPLOADER),
    "member_imports:confirm": (_list, "post", "", None, UPLOADER_POST),
    "member_imports:discard": (_list, "post", "", None, UPLOADER_POST),
}


def build(community, people, ctx):
    """A list the facilitator uploaded and has not sent yet."""
    from copse.member_imports import services

    member_import = services.upload(
        actor=people["facilitator"],
        community=community,
        file_name="new-members.csv",
        data=b"email,name\nnew.person@example.com,New Person\n",
    )
    ctx["member_import_id"] = member_import.pk
