"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

Rows here give the sponsor (the eleventh role) its own status: the report is
theirs and the site admins'; granting the role is the site admins' alone.
The matrix's confidential community holds a value story shared for the
report whose title and text are the SECRET: no report may show it."""

#             an   nm   rq   iv   mb   dl   gp   fc   fm   sa   sp
REPORT = [302, 404, 404, 404, 404, 404, 404, 404, 404, 200, 200]
GRANTS = [302, 404, 404, 404, 404, 404, 404, 404, 404, 200, 404]
GRANTS_POST = [302, 404, 404, 404, 404, 404, 404, 404, 404, 302, 404]

ROWS = {
    "sponsors:report": (None, "get", "", None, REPORT),
    "sponsors:report_csv": (None, "get", "", None, REPORT),
    "sponsors:grants": (None, "get", "", None, GRANTS),
    "sponsors:grants#grant": (
        None,
        "post",
        "",
        lambda ctx: {"email": "member@example.com"},
        GRANTS_POST,
    ),
    "sponsors:grants#revoke": (
        None,
        "post",
        "",
        lambda ctx: {"revoke": str(ctx["sponsor_id"])},
        GRANTS_POST,
    ),
}


def build(community, people, ctx):
    from copse.core.tests.authorization import SECRET
    from copse.value.models import ValueStory

    ValueStory.objects.create(
        community=community,
        author=people["member"],
        cycle="realised",
        title=SECRET,
        story=f"{SECRET}: we saved by switching carriers.",
        money_saved=250000,
        currency="USD",
        sharing="report",
    )
    ctx["sponsor_id"] = people["sponsor"].pk
