"""This app's rows in the page matrix (copse/core/tests/authorization.py):
the profile's token pages. The API's own operations have their matrix in
`test_authorization.py`, by token and scope."""

from copse.core.tests.authorization import SIGNED_IN

ROWS = {
    "api_tokens:list": (None, "get", "", None, SIGNED_IN),
    # Someone else's token id: nobody but its owner reaches it.
    "api_tokens:revoke": (
        lambda ctx: {"token_id": ctx["api_token_id"]},
        "post",
        "",
        None,
        [302, 404, 404, 404, 404, 404, 404, 404, 404, 404],
    ),
}


def build(community, people, ctx):
    from copse.api.services import create_token
    from copse.testing import make_user

    owner = make_user("token-owner@example.com", name="Toby Owner")
    ctx["api_token_id"] = create_token(
        actor=owner, name="owner's", scopes=["read"], lifetime_days=30
    ).token.pk
