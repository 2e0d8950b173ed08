"""Who knows what in the demo: members' expertise in their communities' topic
areas, their experience with Vendor Networks and two other vendors (so that
"Who has used Vendor Networks?" answers in the CIO CoP), and one question in
each community that nobody has answered and nobody has listed expertise in:
a knowledge gap, with where help might come from.

Entries are written through `copse.expertise.services`, as members would on
their own page, and only where missing, so a second load changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from copse.demo.communities import Conversation, Message

CIO = "sv-cio-cop"
AO = "sv-ao-cop"
ADMINS = "administrators-cop"
DESIGN = "instructional-design"

# Vendors members have used, beside the CIO CoP's Vendor Networks.
VENDORS = (("Tidewater Telecom", "vendor"), ("Brightdesk", "vendor"))


@dataclass(frozen=True)
class Known:
    """One expertise entry: a topic area of the community, or a subject of one's own."""

    email: str
    community: str
    level: str
    area: str = ""
    tag: str = ""
    findable: bool = False


@dataclass(frozen=True)
class Used:
    email: str
    vendor: str
    duration: str
    purpose: str
    recommend: str
    note: str = ""
    happy_to_be_asked: bool = True
    shown_in: tuple[str, ...] = (CIO,)


EXPERTISE = (
    # The CIO CoP: People, Leadership, Relationships, Technology, Processes, Metrics.
    Known("grace.kim@fabrikam.example", CIO, "expert", area="Metrics"),
    Known("grace.kim@fabrikam.example", CIO, "practising", area="Leadership"),
    Known("maria@northwind.example", CIO, "expert", area="Relationships"),
    Known("maria@northwind.example", CIO, "practising", area="Leadership"),
    Known("priya.nair@woodgrove.example", CIO, "expert", area="Processes"),
    Known("priya.nair@woodgrove.example", CIO, "expert", tag="Carrier RFPs"),
    Known("hannah.berg@tailspin.example", CIO, "practising", area="People"),
    Known("mei.lin@relecloud.example", CIO, "expert", area="Technology"),
    Known("dev@contoso.example", CIO, "practising", area="Technology"),
    Known("dev@contoso.example", CIO, "learning", tag="Telecom"),
    Known("kwame.mensah@proseware.example", CIO, "expert", tag="Incident response"),
    Known("yuki.tanaka@treyresearch.example", CIO, "practising", tag="On-call", findable=True),
    # The Applications/Operations CoP.
    Known("ana@fabrikam.example", AO, "expert", area="Applications"),
    Known("ana@fabrikam.example", AO, "practising", area="People"),
    Known("irene.castillo@woodgrove.example", AO, "expert", area="Operations"),
    Known("irene.castillo@woodgrove.example", AO, "expert", area="Processes"),
    Known("kofi.boateng@woodgrove.example", AO, "practising", area="Metrics"),
    Known("mateo.silva@relecloud.example", AO, "expert", tag="Identity"),
    # The Administrators' CoP.
    Known("rosa.martinez@university.example", ADMINS, "expert", area="Records"),
    Known("sandra.kowalski@university.example", ADMINS, "expert", area="Meetings and minutes"),
    Known("karen.liu@university.example", ADMINS, "expert", area="Travel and events"),
    Known("diane.morrison@university.example", ADMINS, "practising", area="SOPs"),
    Known("lee@university.example", ADMINS, "learning", area="Meetings and minutes"),
    Known("joanne.whitfield@university.example", ADMINS, "expert", area="Professional development"),
    # The instructional designers, whose community is open: Inés may be found
    # by the site's other communities for accessibility.
    Known("ines.garcia@university.example", DESIGN, "expert", area="Accessibility", findable=True),
    Known("sofia.marques@university.example", DESIGN, "expert", area="Learning design"),
    Known("hana.sato@treyresearch.example", DESIGN, "expert", area="Video"),
    Known("chloe.martin@lucernepublishing.example", DESIGN, "practising", area="Assessment"),
    Known("liam.oconnor@contoso.example", DESIGN, "practising", area="Evaluation"),
)

EXPERIENCE = (
    Used(
        "nadia.haddad@blueyonderairlines.example",
        "Vendor Networks",
        "1_3",
        "SIP trunking at head office, replacing our PRI lines",
        "caveats",
        "Solid, but insist on a cut-over plan per site.",
    ),
    Used(
        "david.levy@humongousinsurance.example",
        "Vendor Networks",
        "3_5",
        "Managed SD-WAN for our branch offices",
        "caveats",
        "Fine day to day; escalations were slow until we put response times in the contract.",
    ),
    Used(
        "fatima.elamin@blueyonderairlines.example",
        "Vendor Networks",
        "1_3",
        "Network operations at our airport sites",
        "yes",
        happy_to_be_asked=False,
        shown_in=(AO,),
    ),
    Used(
        "dev@contoso.example",
        "Tidewater Telecom",
        "over_5",
        "Voice and data for all our sites",
        "no",
        "They would not move at renewal; we are running a competitive bid.",
    ),
    Used(
        "priya.nair@woodgrove.example",
        "Tidewater Telecom",
        "1_3",
        "Data circuits, after our carrier bid",
        "yes",
        "Won our bid on price; service has been good since.",
    ),
    Used(
        "mei.lin@relecloud.example",
        "Brightdesk",
        "3_5",
        "Our service desk platform",
        "caveats",
        "Good workflows, painful upgrades: budget for a partner at every major version.",
    ),
    Used(
        "arjun.mehta@adatum.example",
        "Brightdesk",
        "1_3",
        "A hosted service desk, after we left an on-premises tool",
        "yes",
        happy_to_be_asked=False,
    ),
)

# One question in each community nobody has answered and nobody listed
# expertise in (the instructional designers' is their authoring-tool ask).
GAP_ASKS = {
    CIO: Conversation(
        kind="ask",
        title="Who has a succession plan for their own role?",
        days_ago=6,
        tags=("Succession", "Leadership"),
        posts=(
            Message(
                "james.obrien@wideworldimporters.example",
                "Our board asked who would run IT if I left tomorrow, and I had no good "
                "answer. Has anyone named a successor, and how did you prepare them?",
            ),
        ),
    ),
    AO: Conversation(
        kind="ask",
        title="How do you keep an on-call rota fair?",
        days_ago=4,
        tags=("On-call", "People"),
        posts=(
            Message(
                "kofi.boateng@woodgrove.example",
                "The same four people end up covering every holiday. How do you share "
                "on-call fairly, and do you pay for it?",
            ),
            Message(
                "lena.fischer@contoso.example",
                "Following: we have the same problem and no good answer yet.",
            ),
        ),
    ),
    ADMINS: Conversation(
        kind="ask",
        title="Accessible PDF forms: where do we start?",
        days_ago=5,
        tags=("Accessibility", "Records"),
        posts=(
            Message(
                "paul.nguyen@university.example",
                "A student told us our travel claim form does not work with a screen "
                "reader. Has anyone made their forms accessible? Where did you start?",
            ),
            Message(
                "amira.hassan@university.example",
                "We have the same question for our event registration forms.",
            ),
        ),
    ),
}


def load_expertise(loader) -> None:
    """Add the demo's expertise, experience and gaps to what `loader`
    (loader._Loader) loaded."""
    from copse.communities.models import Community
    from copse.core.permissions import forget_standings

    admin = loader.people["admin@copse.example"]
    for name, kind in VENDORS:
        loader._catalogue_entry(admin, name, kind)
    communities = {c.slug: c for c in Community.objects.all()}
    for slug, conversation in GAP_ASKS.items():
        loader._converse(communities[slug], conversation)
    for user in loader.people.values():
        forget_standings(user)
    _expertise(loader, communities)
    _experience(loader, communities)


def _expertise(loader, communities) -> None:
    from copse.expertise.models import Expertise, subject_slug
    from copse.expertise.services import declare_expertise

    for known in EXPERTISE:
        person, community = loader.people[known.email], communities[known.community]
        slug = subject_slug(known.area or known.tag)
        if Expertise.objects.filter(person=person, community=community, slug=slug).exists():
            continue
        declare_expertise(
            actor=person,
            community=community,
            area=known.area,
            tag=known.tag,
            level=known.level,
            findable_elsewhere=known.findable,
        )
        loader._count("expertise entries")


def _experience(loader, communities) -> None:
    from copse.conversations.models import Tag
    from copse.expertise.models import Experience
    from copse.expertise.services import save_experience

    for used in EXPERIENCE:
        person = loader.people[used.email]
        tag = Tag.objects.get(community__isnull=True, name=used.vendor)
        if Experience.objects.filter(person=person, tag=tag).exists():
            continue
        save_experience(
            actor=person,
            tag=tag,
            duration=used.duration,
            purpose=used.purpose,
            recommend=used.recommend,
            recommend_note=used.note,
            happy_to_be_asked=used.happy_to_be_asked,
            communities=[communities[slug] for slug in used.shown_in],
        )
        loader._count("experience entries")
