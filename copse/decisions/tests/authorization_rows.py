"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

Proposal titles carry the matrix's SECRET, so its leak check asserts that no
role without `community.read` ever sees one.
"""

import datetime as dt

from copse.core.tests.authorization import READS, READS_REDIRECT, SEATED_POST, SECRET

#                                                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# Members and facilitators propose and answer; a delegate reads, and a form
# they send comes back with the reason (403).
PROPOSES = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
ANSWERS_POST = [302, 404, 404, 404, 302, 403, 404, 302, 404, 404]
# The proposer (the member) alone revises.
PROPOSER = [302, 404, 404, 404, 200, 404, 404, 404, 404, 404]
# The facilitator decides a proposal under the facilitator rule.
DECIDES_POST = [302, 404, 404, 404, 403, 403, 404, 302, 404, 404]
# The proposer (the member) or a facilitator writes the outcome.
OUTCOME_POST = [302, 404, 404, 404, 302, 403, 404, 302, 404, 404]


def _slug(ctx):
    return {"slug": "circle"}


def _proposal(key="proposal_id"):
    return lambda ctx: {"slug": "circle", "proposal_id": ctx[key]}


def _position(ctx):
    return {"slug": "circle", "proposal_id": ctx["proposal_id"], "position_id": ctx["block_id"]}


ROWS = {
    "decisions:list": (_slug, "get", "", None, READS),
    "decisions:new": (_slug, "get", "", None, PROPOSES),
    "decisions:detail": (_proposal(), "get", "", None, READS),
    "decisions:position": (
        _proposal(),
        "post",
        "",
        lambda ctx: {"stance": "agree", "reason": "Fine by me."},
        ANSWERS_POST,
    ),
    "decisions:unblock": (_proposal(), "post", "", None, SEATED_POST),
    "decisions:reply": (
        _position,
        "post",
        "",
        lambda ctx: {"body": "We could meet online instead."},
        ANSWERS_POST,
    ),
    "decisions:revise": (_proposal(), "get", "", None, PROPOSER),
    "decisions:withdraw": (_proposal(), "post", "", None, SEATED_POST),
    "decisions:nudge": (_proposal(), "post", "", None, SEATED_POST),
    "decisions:decide": (
        _proposal("awaiting_id"),
        "post",
        "",
        lambda ctx: {"decision": "pass", "outcome": "Heard everyone: yes."},
        DECIDES_POST,
    ),
    "decisions:outcome": (
        _proposal("closed_id"),
        "post",
        "",
        lambda ctx: {"outcome": "We meet quarterly.", "review_on": ""},
        OUTCOME_POST,
    ),
    "decisions:nomination": (
        _proposal("closed_id"),
        "post",
        "",
        lambda ctx: {"accept": "1"},
        SEATED_POST,
    ),
    # Wiring: from the requester's join request to its admission proposal,
    # which only the seated read (never the requester, never a site admin).
    "decisions:admission": (
        lambda ctx: {"slug": "circle", "request_id": ctx["request_id"]},
        "get",
        "",
        None,
        READS_REDIRECT,
    ),
}

# Date polls (decisions.polls): contributors propose times; members,
# facilitators and delegates answer; a facilitator picks the time of a
# meeting of the community (the member proposed it, and may close it).
ROWS.update(
    {
        "decisions:polls": (_slug, "get", "", None, READS),
        "decisions:poll_new": (_slug, "get", "", None, PROPOSES),
        "decisions:poll": (
            lambda ctx: {"slug": "circle", "poll_id": ctx["poll_id"]},
            "get",
            "",
            None,
            READS,
        ),
        "decisions:poll_answer": (
            lambda ctx: {"slug": "circle", "poll_id": ctx["poll_id"]},
            "post",
            "",
            lambda ctx: {f"answer_{ctx['option_id']}": "yes"},
            SEATED_POST,
        ),
        "decisions:poll_choose": (
            lambda ctx: {"slug": "circle", "poll_id": ctx["poll_id"]},
            "post",
            "",
            lambda ctx: {"option": str(ctx["option_id"])},
            DECIDES_POST,
        ),
        "decisions:poll_close": (
            lambda ctx: {"slug": "circle", "poll_id": ctx["poll_id"]},
            "post",
            "",
            None,
            SEATED_POST,
        ),
    }
)


def build(community, people, ctx):
    """An open proposal by the member with the facilitator's block; one
    waiting for the facilitator's decision; one that passed."""
    from django.utils import timezone

    from copse.decisions.models import Position, Proposal

    soon = timezone.now() + dt.timedelta(days=7)
    proposal = Proposal.objects.create(
        community=community,
        proposed_by=people["member"],
        title=f"{SECRET}: switch carriers together",
        body="A joint tender.",
        deadline=soon,
    )
    block = Position.objects.create(
        proposal=proposal, user=people["facilitator"], stance="block", reason="Not yet."
    )
    awaiting = Proposal.objects.create(
        community=community,
        proposed_by=people["member"],
        title=f"{SECRET}: a shared vendor list",
        body="One list.",
        rule="facilitator",
        status="awaiting",
        deadline=timezone.now() - dt.timedelta(hours=1),
    )
    closed = Proposal.objects.create(
        community=community,
        proposed_by=people["member"],
        title=f"{SECRET}: meet quarterly",
        body="Quarterly.",
        status="passed",
        deadline=timezone.now() - dt.timedelta(hours=1),
    )
    ctx.update(
        proposal_id=proposal.pk,
        block_id=block.pk,
        awaiting_id=awaiting.pk,
        closed_id=closed.pk,
    )
    # Wiring: the requester's waiting request, as the members would have it
    # if the circle's members decided who joins.
    from copse.decisions.admissions import open_admission
    from copse.memberships.models import JoinRequest

    open_admission(join_request=JoinRequest.objects.get(pk=ctx["request_id"]))
    _build_polls(community, people, ctx)


def _build_polls(community, people, ctx):
    """An open date poll for a meeting, proposed by the member, with two times."""
    from django.utils import timezone

    from copse.decisions.models import DateAnswer, DateOption, DatePoll

    poll = DatePoll.objects.create(
        community=community,
        proposed_by=people["member"],
        title=f"{SECRET}: when do we meet the carriers?",
        time_zone="Europe/Berlin",
        format="online",
    )
    first = DateOption.objects.create(poll=poll, starts_at=timezone.now() + dt.timedelta(days=20))
    DateOption.objects.create(poll=poll, starts_at=timezone.now() + dt.timedelta(days=21))
    DateAnswer.objects.create(option=first, user=people["facilitator"], answer="yes")
    ctx.update(poll_id=poll.pk, option_id=first.pk)
