"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The page deletes the signed-in person's own account and names no other, so
every signed-in role gets its own page. The matrix's facilitator is the last
one of its community (asked for a successor), its site admin the only one
(told to name another first): both still get the page. A post with a wrong
password deletes nothing."""

from copse.core.tests.authorization import SIGNED_IN

#                   an   nm   rq   iv   mb   dl   gp   fc   fm   sa
REFUSED_POST = [302, 400, 400, 400, 400, 400, 400, 400, 400, 400]

ROWS = {
    "departures:delete_account": (None, "get", "", None, SIGNED_IN),
    "departures:delete_account#wrong_password": (
        None,
        "post",
        "",
        lambda ctx: {"content": "remove", "password": "not-the-password"},
        REFUSED_POST,
    ),
}


def build(community, people, ctx):
    """Nothing beyond the matrix's own world."""
