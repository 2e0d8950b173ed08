"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The member's story shared with the community carries the matrix's SECRET in
its title, so the leak check asserts that no role without a seat ever sees
it; their private story is for them and the facilitators alone, and the
former member still reads the story they wrote before leaving.
"""

from copse.core.tests.authorization import ASKER, ASKER_POST, READS, SECRET

#                                                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# The active seated record stories, delegates included.
RECORDS = [302, 404, 404, 404, 200, 200, 404, 200, 404, 404]
# A private story: its author (the member) and the facilitators.
PRIVATE = [404, 404, 404, 404, 200, 404, 404, 200, 404, 404]
# A story its author wrote before leaving: theirs alone.
FORMER_OWN = [404, 404, 404, 404, 404, 404, 404, 200, 200, 404]


def _slug(ctx):
    return {"slug": "circle"}


def _story(key="story_id"):
    return lambda ctx: {"slug": "circle", "story_id": ctx[key]}


ROWS = {
    "value:list": (_slug, "get", "", None, READS),
    "value:new": (_slug, "get", "", None, RECORDS),
    "value:story": (_story(), "get", "", None, READS),
    "value:story#private": (_story("private_story_id"), "get", "", None, PRIVATE),
    "value:story#former": (_story("former_story_id"), "get", "", None, FORMER_OWN),
    # The author (the member) alone edits and removes.
    "value:edit": (_story(), "get", "", None, ASKER),
    "value:remove": (_story(), "get", "", None, ASKER),
    "value:time": (_slug, "get", "?days=30", None, READS),
    # The member's prompt about their ask: theirs alone to dismiss.
    "value:dismiss_prompt": (
        lambda ctx: {"prompt_id": ctx["prompt_id"]},
        "post",
        "",
        None,
        ASKER_POST,
    ),
}


def build(community, people, ctx):
    """The member's story shared with the community, linked to their ask; a
    private one; one by the former member; the member's pending prompt."""
    from copse.conversations.models import Thread
    from copse.value.models import ValuePrompt, ValueStory

    thread = Thread.objects.get(pk=ctx["thread_id"])
    shared = ValueStory.objects.create(
        community=community,
        author=people["member"],
        cycle="realised",
        title=f"{SECRET}: we switched and saved",
        story="An audit first, then a bid across three carriers.",
        money_saved=250000,
        currency="USD",
        hours_saved=40,
        sharing="community",
    )
    shared.threads.add(thread)
    private = ValueStory.objects.create(
        community=community,
        author=people["member"],
        cycle="applied",
        title="A note to myself about the renewal",
        story="Ask for exit terms.",
        sharing="private",
    )
    former = ValueStory.objects.create(
        community=community,
        author=people["former_member"],
        cycle="potential",
        title="What I learned before I left",
        story="Audits pay.",
        sharing="private",
    )
    prompt = ValuePrompt.objects.create(
        user=people["member"], community=community, kind="helpful", thread=thread
    )
    ctx.update(
        story_id=shared.pk,
        private_story_id=private.pk,
        former_story_id=former.pk,
        prompt_id=prompt.pk,
    )
