"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The topic's title carries the matrix's SECRET, so the matrix's leak check
asserts that no role without `community.read` ever sees it.
"""

from copse.core.tests.authorization import MODERATES_POST, READS, SEATED_POST, SECRET


def _slug(ctx):
    return {"slug": "circle"}


def _topic(ctx):
    return {"slug": "circle", "topic_id": ctx["topic_id"]}


#                                                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# Delegates read but may not nominate: the form comes back with the reason.
NOMINATES_POST = [302, 404, 404, 404, 302, 403, 404, 302, 404, 404]
# The proposer (the member) while the topic is proposed, and facilitators.
EDITS = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]

ROWS = {
    "topics:backlog": (_slug, "get", "", None, READS),
    "topics:nominate": (
        _slug,
        "post",
        "",
        lambda ctx: {
            "title": "Vendor risk reviews",
            "why": "Audits are coming.",
            "area": "Technology",
        },
        NOMINATES_POST,
    ),
    # Delegates are sent back to the backlog with the reason they cannot vote.
    "topics:vote": (_topic, "post", "", None, SEATED_POST),
    "topics:status": (_topic, "post", "", lambda ctx: {"status": "parked"}, MODERATES_POST),
    "topics:edit": (_topic, "get", "", None, EDITS),
}


def build(community, people, ctx):
    """A proposed topic nominated by the member, with the facilitator's vote."""
    from copse.topics.models import Topic, TopicVote

    topic = Topic.objects.create(
        community=community,
        title=f"{SECRET}: who renegotiated?",
        why="Contracts end next year.",
        area="Technology",
        proposed_by=people["member"],
        vote_count=1,
    )
    TopicVote.objects.create(topic=topic, user=people["facilitator"])
    ctx["topic_id"] = topic.pk
