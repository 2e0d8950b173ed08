"""Demo data for norms written together and communities proposed by anyone,
made through the product's services so they are things people did.

- In the CIO CoP, Grace proposes a new section of the norms on recording
  meetings; Dev and Marcus comment. It is open, for Maria (who facilitates)
  to adopt or put to the members.
- Lee, of the Administrators' CoP, proposes a community for the university's
  research administrators, sponsored by the provost. It waits for the site
  administrator's decision.
"""

from __future__ import annotations

from datetime import timedelta

CIO = "sv-cio-cop"
SECTION = "Recording and notes"
SECTION_TEXT = """\
We do not record meetings, on video or in audio. Notes name no one: the summary says what was learned, not who said it.

Slides a presenter shares go to the library only with their agreement."""
WHY = """\
Two of us were asked last month whether a vendor briefing was recorded. Our norms say what is said here stays here, but not how we keep notes. Writing it down means nobody has to ask, and presenters know before they agree to come."""
COMMENTS = (
    (
        "dev@contoso.example",
        "Yes to this. Could we add that the facilitator reminds the room at the start of each meeting?",
    ),
    (
        "marcus.chen@wingtip.example",
        "Agree. One thought: guest presenters sometimes record their own part for their team. "
        "Should we say they ask first?",
    ),
)

RESEARCH_CASE = {
    "name": "University Research Administrators",
    "slug": "research-administrators",
    "purpose": (
        "Staff who run research administration across the university's faculties — grant "
        "applications, ethics submissions, post-award reporting — learning from each other "
        "instead of each office working it out alone."
    ),
    "domain": "Research administration",
    "audience": "Research administrators and grant officers in every faculty",
    "eligibility": "Staff whose role includes research administration",
    "kind": "internal",
    "visibility": "members",
    "case": """\
Every faculty has one or two people who handle research administration, and each of us learns the funders' rules alone. When the national council changed its reporting template this year, five offices wrote five different guides.

**What a community would change**

- One place to ask "has anyone submitted to this funder before?"
- Templates for budgets and ethics forms we adapt rather than rewrite.
- A monthly hour together, hosted in turn, like the Administrators' CoP.

The Administrators' CoP shows this works at our university; research administration needs its own space because the questions are specialised and the deadlines are shared.""",
    "sponsor_name": "Dr. Patricia Nkemelu",
    "sponsor_role": "Provost and Vice-President Academic",
    "sponsor_email": "provost@university.example",
}


def load_norms_together(loader) -> None:
    _amendment(loader)
    _community_proposal(loader)
    _peer_nomination(loader)


# Dev suggests a peer for the CIO CoP, which is by invitation: Maria decides.
NOMINEE = ("Rosa Jimenez", "rosa.jimenez@margiestravel.example")
NOMINATION_REASON = (
    "Rosa is CIO at Margie's Travel and has just been through the carrier switch we keep "
    "discussing. No one from Margie's is in the CoP, and she would bring a travel-industry view."
)


def _peer_nomination(loader) -> None:
    from copse.communities.models import Community
    from copse.decisions import nominations
    from copse.decisions.models import PeerNomination

    community = Community.objects.filter(slug=CIO).first()
    if community is None or PeerNomination.objects.filter(community=community).exists():
        return
    nomination = nominations.nominate(
        actor=_as(loader, "dev@contoso.example"),
        community=community,
        name=NOMINEE[0],
        email=NOMINEE[1],
        reason=NOMINATION_REASON,
    )
    PeerNomination.objects.filter(pk=nomination.pk).update(
        created_at=loader.now - timedelta(days=3)
    )
    loader._count("peer nominations")


def _as(loader, email):
    from copse.core.permissions import forget_standings

    person = loader.people[email]
    forget_standings(person)
    return person


def _amendment(loader) -> None:
    from copse.communities.models import Community
    from copse.decisions import amendments
    from copse.decisions.models import Amendment, AmendmentComment

    community = Community.objects.filter(slug=CIO).first()
    if community is None or Amendment.objects.filter(community=community).exists():
        return
    amendment = amendments.propose_amendment(
        actor=_as(loader, "grace.kim@fabrikam.example"),
        community=community,
        section=SECTION,
        text=SECTION_TEXT,
        note=WHY,
    )
    Amendment.objects.filter(pk=amendment.pk).update(created_at=loader.now - timedelta(days=6))
    loader._count("norms amendments")
    for n, (email, body) in enumerate(COMMENTS):
        made = amendments.comment(actor=_as(loader, email), amendment=amendment, body=body)
        AmendmentComment.objects.filter(pk=made.pk).update(
            created_at=loader.now - timedelta(days=5 - 2 * n, hours=3)
        )
        loader._count("amendment comments")


def _community_proposal(loader) -> None:
    from copse.decisions import new_communities
    from copse.decisions.models import CommunityProposal

    if CommunityProposal.objects.filter(slug=RESEARCH_CASE["slug"]).exists():
        return
    proposal = new_communities.propose(actor=_as(loader, "lee@university.example"), **RESEARCH_CASE)
    CommunityProposal.objects.filter(pk=proposal.pk).update(
        created_at=loader.now - timedelta(days=2)
    )
    loader._count("community proposals")
