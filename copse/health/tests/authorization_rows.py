"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The health page and its settings are the facilitators' alone (not a site
admin's, not a sponsor's); "How we are doing" is for everyone seated. A
nudge is read by the member it was written to and the facilitator who wrote
it; its words carry the matrix's SECRET, so the leak check asserts that no
role without `community.read` ever sees them.
"""

from copse.core.tests.authorization import FACILITATES, MODERATES_POST, READS, SECRET

#                 an   nm   rq   iv   mb   dl   gp   fc   fm   sa
SEATED = READS
# The member it was written to, and the facilitator who wrote it.
NUDGE_READERS = [404, 404, 404, 404, 200, 404, 404, 200, 404, 404]


def _slug(ctx):
    return {"slug": "circle"}


ROWS = {
    "health:health": (_slug, "get", "", None, FACILITATES),
    "health:settings": (_slug, "get", "", None, FACILITATES),
    "health:progress": (_slug, "get", "", None, SEATED),
    # The delegate is nudged here: the member already was (see `build`), and
    # nobody is nudged twice within the quiet period.
    "health:nudge": (
        lambda ctx: {"slug": "circle", "user_id": ctx["delegate_id"]},
        "post",
        "",
        lambda ctx: {"body": "We have missed you, {name}."},
        MODERATES_POST,
    ),
    "health:nudge_message": (
        lambda ctx: {"slug": "circle", "nudge_id": ctx["nudge_id"]},
        "get",
        "",
        None,
        NUDGE_READERS,
    ),
}


def build(community, people, ctx):
    """A nudge from the facilitator to the member, with the SECRET in its words."""
    from copse.health.models import Nudge

    nudge = Nudge.objects.create(
        community=community,
        member=people["member"],
        sent_by=people["facilitator"],
        body=f"We have missed you. {SECRET}: come and tell us.",
    )
    ctx.update(nudge_id=nudge.pk, delegate_id=people["delegate"].pk)
