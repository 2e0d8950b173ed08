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
    "decisions:answer_nomination": (
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
    build_norms_together(community, people, ctx)


# --- Norms written together, peer nominations, communities proposed by anyone ---------
#                                                    an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# The member (the author) or a facilitator; a delegate reads and is refused (403).
AUTHOR_OR_FACILITATOR_POST = [302, 404, 404, 404, 302, 403, 404, 302, 404, 404]
# The nominator (the member) and the facilitators read a nomination.
NOMINATION_READERS = [302, 404, 404, 404, 200, 404, 404, 200, 404, 404]
# The facilitators decide; the nominator reads and is refused (403).
NOMINATION_DECIDES_POST = [302, 404, 404, 404, 403, 404, 404, 302, 404, 404]
# A community proposal (the member's): its proposer and the site admins read it.
CASE_READERS = [302, 404, 404, 404, 200, 404, 404, 404, 404, 200]
# A site admin decides; the proposer reads and is refused (403).
CASE_DECIDES_POST = [302, 404, 404, 404, 403, 404, 404, 404, 404, 302]
# Only the proposer withdraws; a site admin is sent back with the reason.
CASE_WITHDRAWS_POST = [302, 404, 404, 404, 302, 404, 404, 404, 404, 302]
_SIGNED_IN = [302, 200, 200, 200, 200, 200, 200, 200, 200, 200]
_PROGRAMME = [302, 404, 404, 404, 404, 404, 404, 404, 404, 200]


def _amendment(ctx):
    return {"slug": "circle", "amendment_id": ctx["amendment_id"]}


def _nomination(ctx):
    return {"slug": "circle", "nomination_id": ctx["nomination_id"]}


def _case(ctx):
    return {"proposal_id": ctx["community_proposal_id"]}


def _deadline():
    from django.utils import timezone

    later = timezone.localtime() + dt.timedelta(days=7)
    return later.strftime("%Y-%m-%dT%H:%M")


ROWS.update(
    {
        "decisions:amendments": (_slug, "get", "", None, READS),
        "decisions:amendment_new": (_slug, "get", "", None, PROPOSES),
        "decisions:amendment": (_amendment, "get", "", None, READS),
        "decisions:amendment_comment": (
            _amendment,
            "post",
            "",
            lambda ctx: {"body": "Yes, and say so at the start of each meeting."},
            AUTHOR_OR_FACILITATOR_POST,
        ),
        # Where facilitators adopt amendments (the default): the facilitator.
        # Others are sent back to the amendment with the reason.
        "decisions:amendment_adopt": (_amendment, "post", "", None, SEATED_POST),
        "decisions:amendment_propose": (
            _amendment,
            "post",
            "",
            lambda ctx: {
                "title": "Amend our norms: phones",
                "body": "Phones away in meetings.",
                "rule": "consent",
                "deadline": _deadline(),
            },
            AUTHOR_OR_FACILITATOR_POST,
        ),
        "decisions:amendment_withdraw": (_amendment, "post", "", None, SEATED_POST),
        "decisions:nominations": (_slug, "get", "", None, PROPOSES),
        "decisions:nomination_new": (_slug, "get", "", None, PROPOSES),
        "decisions:nomination": (_nomination, "get", "", None, NOMINATION_READERS),
        "decisions:nomination_invite": (
            _nomination,
            "post",
            "",
            lambda ctx: {"message": "We would love to have you."},
            NOMINATION_DECIDES_POST,
        ),
        "decisions:nomination_decline": (
            _nomination,
            "post",
            "",
            lambda ctx: {"note": "We are full this year."},
            NOMINATION_DECIDES_POST,
        ),
        "decisions:nomination_propose": (
            _nomination,
            "post",
            "",
            lambda ctx: {"rule": "consent", "deadline": _deadline()},
            NOMINATION_DECIDES_POST,
        ),
        # The nominator withdraws; a facilitator is sent back with the reason.
        "decisions:nomination_withdraw": (
            _nomination,
            "post",
            "",
            None,
            [302, 404, 404, 404, 302, 404, 404, 302, 404, 404],
        ),
        "decisions:community_propose": (None, "get", "", None, _SIGNED_IN),
        "decisions:community_proposals": (None, "get", "", None, _SIGNED_IN),
        "decisions:community_proposal": (_case, "get", "", None, CASE_READERS),
        "decisions:community_proposal_approve": (
            _case,
            "post",
            "",
            lambda ctx: {"note": "Welcome."},
            CASE_DECIDES_POST,
        ),
        "decisions:community_proposal_decline": (
            _case,
            "post",
            "",
            lambda ctx: {"note": "The A/O CoP covers this already."},
            CASE_DECIDES_POST,
        ),
        "decisions:community_proposal_withdraw": (_case, "post", "", None, CASE_WITHDRAWS_POST),
        "decisions:community_queue": (None, "get", "", None, _PROGRAMME),
    }
)


def build_norms_together(community, people, ctx):
    """Also: an open amendment by the member (against the current norms), a
    pending nomination by the member where members nominate peers, and a
    pending case for a new community by the member."""
    from copse.decisions.models import Amendment, CommunityProposal, PeerNomination

    community.members_nominate_peers = True
    community.save(update_fields=["members_nominate_peers"])
    amendment = Amendment.objects.create(
        community=community,
        proposed_by=people["member"],
        section="",
        base_version=community.norms_version,
        text="What is said here stays here.\nBe on time.\nPhones away.",
        note=f"{SECRET}: and so are our phones.",
    )
    nomination = PeerNomination.objects.create(
        community=community,
        nominated_by=people["member"],
        name="Nina Nominee",
        email="nina@example.com",
        reason=f"{SECRET}: she renegotiated hers.",
    )
    case = CommunityProposal.objects.create(
        proposed_by=people["member"],
        name="Research administrators",
        slug="research-administrators",
        purpose="Peers who run research offices.",
        domain="Research administration",
        audience="Heads of research offices",
        case="Grants rules change every year.",
        sponsor_name="Pat Provost",
    )
    ctx.update(
        amendment_id=amendment.pk, nomination_id=nomination.pk, community_proposal_id=case.pk
    )
