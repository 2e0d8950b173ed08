"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py)."""

from copse.core.tests.authorization import EVERYONE_200, FACILITATES, PROGRAMME, SIGNED_IN


def _community(ctx):
    return {"slug": "circle"}


ROWS = {
    "mailing:preferences": (None, "get", "", None, SIGNED_IN),
    # The link in the member's mail is the credential, as with invitations.
    "mailing:unsubscribe": (
        lambda ctx: {"token": ctx["unsubscribe_token"]},
        "get",
        "",
        None,
        EVERYONE_200,
    ),
    "mailing:outbox": (None, "get", "", None, PROGRAMME),
    "mailing:content_policy": (_community, "get", "", None, FACILITATES),
}


def build(community, people, ctx):
    from copse.mailing import tokens

    ctx["unsubscribe_token"] = tokens.unsubscribe_token(
        user_id=people["member"].pk, community_id=community.pk, version=1
    )
