"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

Only site administrators reach the list of organisations and the requests,
and save an organisation (its domains, the sign-in providers tied to it);
everyone signed in may ask for their own organisation or drop it."""

from copse.core.tests.authorization import PROGRAMME

#                         an   nm   rq   iv   mb   dl   gp   fc   fm   sa
PROGRAMME_POST = [302, 404, 404, 404, 404, 404, 404, 404, 404, 302]
OWN_REQUEST_POST = [302, 404, 404, 404, 302, 404, 404, 404, 404, 404]
SIGNED_IN_POST = [302] * 10


def _request(ctx):
    return {"pk": ctx["organisation_request_id"]}


def _organisation(ctx):
    return {"pk": ctx["organisation_id"]}


ROWS = {
    "organisations:requests": (None, "get", "", None, PROGRAMME),
    # Saving an organisation: its email domains and the sign-in providers tied
    # to it, which verify people's organisation (copse/sso).
    "organisations:edit#save": (
        _organisation,
        "post",
        "",
        lambda ctx: {
            "name": "Northwind",
            "kind": "company",
            "parent_institution": "",
            "domains": "northwind.example",
            "providers": ["alpha"],
        },
        PROGRAMME_POST,
    ),
    "organisations:request_decide": (
        _request,
        "post",
        "",
        lambda ctx: {"decision": "decline"},
        PROGRAMME_POST,
    ),
    "accounts:organisation_request": (
        None,
        "post",
        "",
        lambda ctx: {"name": "Contoso"},
        SIGNED_IN_POST,
    ),
    # Only the person who asked can withdraw; anyone else gets a 404.
    "accounts:organisation_request_withdraw": (_request, "post", "", None, OWN_REQUEST_POST),
    "accounts:organisation_leave": (None, "post", "", None, SIGNED_IN_POST),
}


def build(community, people, ctx):
    from copse.organisations.services import request_change

    request = request_change(actor=people["member"], name="Fabrikam", note="I moved.")
    ctx["organisation_request_id"] = request.pk
