"""The demo site that `copse demo` loads: the four communities of the seed stories,
their organisations and people, norms, waiting requests, first conversations,
and a year of meetings with their topics (see `demo_meetings`).

Loading is idempotent: every row is looked up by its natural key (an email, a
slug, a name, a title) and only what is missing is created, so a second run
changes nothing. Norms, conversations and community creation go through the
product's services, so they are versioned, indexed and audited like real use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

PASSWORD = "copse-demo"

# The six logins of PRODUCT.md, in the order the table prints them.
LOGINS = [
    ("admin@copse.example", "Site operator; member of no community"),
    ("maria@northwind.example", "Facilitator of the Silicon Valley CIO CoP"),
    ("dev@contoso.example", "Member of the CIO CoP; asked about telecom costs"),
    ("ana@fabrikam.example", "Member of the Applications/Operations CoP only"),
    ("sam@vendor.example", "Guest presenter at one CIO CoP meeting"),
    ("lee@university.example", "Member of the Administrators' CoP"),
]

UNIVERSITY = "State University"

# (name, kind); units of the university carry UNIVERSITY as their institution.
ORGANISATIONS = [
    ("Northwind Traders", "company"),
    ("Contoso", "company"),
    ("Fabrikam", "company"),
    ("Adventure Works", "company"),
    ("Tailspin Toys", "company"),
    ("Wingtip Toys", "company"),
    ("Litware", "company"),
    ("Proseware", "company"),
    ("Woodgrove Bank", "company"),
    ("Alpine Ski House", "company"),
    ("Coho Winery", "company"),
    ("Wide World Importers", "company"),
    ("Trey Research", "company"),
    ("Lucerne Publishing", "company"),
    ("Humongous Insurance", "company"),
    ("Blue Yonder Airlines", "company"),
    ("Fourth Coffee", "company"),
    ("Relecloud", "company"),
    ("A. Datum Corporation", "company"),
    ("Vendor Networks", "company"),
    # Outside experts who present at CIO CoP meetings as guests.
    ("First Up Consultants", "company"),
    ("Bellows College", "company"),
    ("VanArsdel, Ltd.", "company"),
    ("Office of the President", "unit"),
    ("Office of the Provost", "unit"),
    ("Registrar's Office", "unit"),
    ("Faculty of Engineering", "unit"),
    ("Department of Chemistry", "unit"),
    ("Human Resources", "unit"),
    ("Centre for Teaching and Learning", "unit"),
]

# The email domains each company claims: its people's confirmed addresses
# verify their organisation. The university's units share one domain, so a
# site administrator sets theirs (the other path a real site uses).
DOMAINS = {
    "Northwind Traders": "northwind.example",
    "Contoso": "contoso.example",
    "Fabrikam": "fabrikam.example",
    "Adventure Works": "adventure-works.example",
    "Tailspin Toys": "tailspin.example",
    "Wingtip Toys": "wingtip.example",
    "Litware": "litware.example",
    "Proseware": "proseware.example",
    "Woodgrove Bank": "woodgrove.example",
    "Alpine Ski House": "alpineskihouse.example",
    "Coho Winery": "cohowinery.example",
    "Wide World Importers": "wideworldimporters.example",
    "Trey Research": "treyresearch.example",
    "Lucerne Publishing": "lucernepublishing.example",
    "Humongous Insurance": "humongousinsurance.example",
    "Blue Yonder Airlines": "blueyonderairlines.example",
    "Fourth Coffee": "fourthcoffee.example",
    "Relecloud": "relecloud.example",
    "A. Datum Corporation": "adatum.example",
    "Vendor Networks": "vendor.example",
    "First Up Consultants": "firstup.example",
    "Bellows College": "bellows.example",
    "VanArsdel, Ltd.": "vanarsdel.example",
}

PACIFIC = "America/Los_Angeles"
EASTERN_CANADA = "America/Toronto"


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    job_title: str
    organisation: str | None
    time_zone: str
    bio: str
    site_admin: bool = False


PEOPLE = [
    Person(
        "admin@copse.example",
        "Robin Ellis",
        "Copse site operator",
        None,
        "Europe/London",
        "Keeps this Copse running: backups, upgrades and memberships. Reads no private content.",
        site_admin=True,
    ),
    # --- The Silicon Valley CIO CoP: one CIO from each member company [001]
    Person(
        "maria@northwind.example",
        "Maria Lopez",
        "Chief Information Officer",
        "Northwind Traders",
        PACIFIC,
        "CIO at Northwind for nine years; facilitates the CIO CoP this year. Supply chains, ERP, and growing IT leaders.",
    ),
    Person(
        "dev@contoso.example",
        "Dev Patel",
        "Chief Information Officer",
        "Contoso",
        PACIFIC,
        "Runs IT for Contoso's 40 offices. Recently renegotiated every telecom contract we had.",
    ),
    Person(
        "grace.kim@fabrikam.example",
        "Grace Kim",
        "Chief Information Officer",
        "Fabrikam",
        PACIFIC,
        "Came to IT from finance. Interested in IT metrics a board can read.",
    ),
    Person(
        "olu.adeyemi@adventure-works.example",
        "Olu Adeyemi",
        "Chief Information Officer",
        "Adventure Works",
        PACIFIC,
        "Retail systems and e-commerce; twenty years of peak-season war stories.",
    ),
    Person(
        "hannah.berg@tailspin.example",
        "Hannah Berg",
        "VP and Chief Information Officer",
        "Tailspin Toys",
        PACIFIC,
        "Building an IT team from scratch after a spin-off.",
    ),
    Person(
        "marcus.chen@wingtip.example",
        "Marcus Chen",
        "Chief Information Officer",
        "Wingtip Toys",
        PACIFIC,
        "Mobile fleet, stores and a warehouse in Nevada. Ask me about pooled data plans.",
    ),
    Person(
        "rachel.goldberg@litware.example",
        "Rachel Goldberg",
        "Chief Information Officer",
        "Litware",
        PACIFIC,
        "Software company CIO: our customers are engineers, so are our critics.",
    ),
    Person(
        "kwame.mensah@proseware.example",
        "Kwame Mensah",
        "Chief Information Officer",
        "Proseware",
        PACIFIC,
        "Security first. Chairs Proseware's risk committee.",
    ),
    Person(
        "priya.nair@woodgrove.example",
        "Priya Nair",
        "Chief Information Officer",
        "Woodgrove Bank",
        PACIFIC,
        "Banking IT under three regulators. Ran a carrier RFP last year.",
    ),
    Person(
        "luis.ortega@alpineskihouse.example",
        "Luis Ortega",
        "Chief Information Officer",
        "Alpine Ski House",
        PACIFIC,
        "Seasonal business, year-round systems. Fan of telecom expense audits.",
    ),
    Person(
        "emma.walsh@cohowinery.example",
        "Emma Walsh",
        "Director of IT (acting CIO)",
        "Coho Winery",
        PACIFIC,
        "Small team, many hats: vineyards, shop, and a very old ERP.",
    ),
    Person(
        "james.obrien@wideworldimporters.example",
        "James O'Brien",
        "Chief Information Officer",
        "Wide World Importers",
        PACIFIC,
        "Logistics and customs systems across four continents.",
    ),
    Person(
        "yuki.tanaka@treyresearch.example",
        "Yuki Tanaka",
        "Chief Information Officer",
        "Trey Research",
        PACIFIC,
        "Research computing and data governance.",
    ),
    Person(
        "sofia.rossi@lucernepublishing.example",
        "Sofia Rossi",
        "Chief Information Officer",
        "Lucerne Publishing",
        PACIFIC,
        "Moving a publisher from print workflows to digital ones.",
    ),
    Person(
        "david.levy@humongousinsurance.example",
        "David Levy",
        "Chief Information Officer",
        "Humongous Insurance",
        PACIFIC,
        "Claims platforms, outsourcing contracts and the people who make them work.",
    ),
    Person(
        "nadia.haddad@blueyonderairlines.example",
        "Nadia Haddad",
        "Chief Information Officer",
        "Blue Yonder Airlines",
        PACIFIC,
        "Airline operations never sleep; neither does their network.",
    ),
    Person(
        "ben.carter@fourthcoffee.example",
        "Ben Carter",
        "Chief Information Officer",
        "Fourth Coffee",
        PACIFIC,
        "Point of sale in 300 cafés. New to the CoP this year.",
    ),
    Person(
        "mei.lin@relecloud.example",
        "Mei Lin",
        "Chief Information Officer",
        "Relecloud",
        PACIFIC,
        "Cloud-native company; still has a data centre lease to unwind.",
    ),
    Person(
        "arjun.mehta@adatum.example",
        "Arjun Mehta",
        "Chief Information Officer",
        "A. Datum Corporation",
        PACIFIC,
        "Analytics and mergers: three acquisitions integrated in two years.",
    ),
    Person(
        "sam@vendor.example",
        "Sam Whitaker",
        "Solutions Architect",
        "Vendor Networks",
        PACIFIC,
        "Designs voice and data networks for mid-size companies. Presenting on SIP trunking.",
    ),
    # --- The Applications/Operations CoP: at most two directors per company [001]
    Person(
        "ana@fabrikam.example",
        "Ana Sousa",
        "Director of Applications",
        "Fabrikam",
        PACIFIC,
        "ERP and CRM owner at Fabrikam. Loves a good runbook.",
    ),
    Person(
        "tomas.novak@fabrikam.example",
        "Tomáš Novák",
        "Director of IT Operations",
        "Fabrikam",
        PACIFIC,
        "Data centres, service desk and on-call rotas.",
    ),
    Person(
        "irene.castillo@woodgrove.example",
        "Irene Castillo",
        "Director of Infrastructure and Operations",
        "Woodgrove Bank",
        PACIFIC,
        "Facilitates the A/O CoP. Change management and incident reviews.",
    ),
    Person(
        "kofi.boateng@woodgrove.example",
        "Kofi Boateng",
        "Director of Enterprise Applications",
        "Woodgrove Bank",
        PACIFIC,
        "Core banking upgrades and the vendors behind them.",
    ),
    Person(
        "lena.fischer@contoso.example",
        "Lena Fischer",
        "Director of Applications",
        "Contoso",
        PACIFIC,
        "Application portfolio rationalisation: 400 apps down to 180 so far.",
    ),
    Person(
        "raj.iyer@northwind.example",
        "Raj Iyer",
        "Director of IT Operations",
        "Northwind Traders",
        PACIFIC,
        "Warehouse systems and the networks that keep them up.",
    ),
    Person(
        "claire.dubois@litware.example",
        "Claire Dubois",
        "Director of Business Applications",
        "Litware",
        PACIFIC,
        "Finance and HR systems; organised our side meeting on IT in mergers.",
    ),
    Person(
        "mateo.silva@relecloud.example",
        "Mateo Silva",
        "Director of Cloud Operations",
        "Relecloud",
        PACIFIC,
        "Site reliability and cost control in the cloud.",
    ),
    Person(
        "aisha.rahman@relecloud.example",
        "Aisha Rahman",
        "Director of Applications",
        "Relecloud",
        PACIFIC,
        "Customer platforms and integration.",
    ),
    Person(
        "peter.lindqvist@proseware.example",
        "Peter Lindqvist",
        "Director of IT Operations",
        "Proseware",
        PACIFIC,
        "Service management, ITIL without the bureaucracy.",
    ),
    Person(
        "fatima.elamin@blueyonderairlines.example",
        "Fatima El-Amin",
        "Director of Operations Systems",
        "Blue Yonder Airlines",
        PACIFIC,
        "Crew scheduling and flight operations systems.",
    ),
    Person(
        "george.huang@humongousinsurance.example",
        "George Huang",
        "Director of Application Development",
        "Humongous Insurance",
        PACIFIC,
        "Modernising claims software one service at a time.",
    ),
    Person(
        "elif.yilmaz@adventure-works.example",
        "Elif Yılmaz",
        "Director of E-commerce Applications",
        "Adventure Works",
        PACIFIC,
        "Storefront, payments and the peak-season freeze.",
    ),
    Person(
        "nora.kelly@alpineskihouse.example",
        "Nora Kelly",
        "Director of IT Operations",
        "Alpine Ski House",
        PACIFIC,
        "Lift systems, ticketing and a lot of snow on the servers' roof.",
    ),
    Person(
        "victor.petrov@fabrikam.example",
        "Victor Petrov",
        "Director of Data Platforms",
        "Fabrikam",
        PACIFIC,
        "Data warehouse and reporting.",
    ),
    # --- The Administrators' CoP: administrative staff of one university [002]
    Person(
        "joanne.whitfield@university.example",
        "Joanne Whitfield",
        "Executive Assistant to the Provost",
        "Office of the Provost",
        EASTERN_CANADA,
        "Facilitates the Administrators' CoP. Committee support, calendars and travel.",
    ),
    Person(
        "lee@university.example",
        "Lee Chen",
        "Administrative Assistant",
        "Registrar's Office",
        EASTERN_CANADA,
        "Convocation, transcripts and more committee minutes than anyone should take.",
    ),
    Person(
        "margaret.osei@university.example",
        "Margaret Osei",
        "Executive Assistant to the President",
        "Office of the President",
        EASTERN_CANADA,
        "Helped start the CoP; stepped back this year and runs the occasional workshop.",
    ),
    Person(
        "tom.becker@university.example",
        "Tom Becker",
        "Administrative Assistant",
        "Office of the President",
        EASTERN_CANADA,
        "Represents the President's office at CoP meetings on Margaret's behalf.",
    ),
    Person(
        "karen.liu@university.example",
        "Karen Liu",
        "Department Administrator",
        "Department of Chemistry",
        EASTERN_CANADA,
        "Budgets, lab safety paperwork and visiting speakers.",
    ),
    Person(
        "diane.morrison@university.example",
        "Diane Morrison",
        "Faculty Administrator",
        "Faculty of Engineering",
        EASTERN_CANADA,
        "Owns the SOP for booking visiting speakers, now being rewritten together.",
    ),
    Person(
        "paul.nguyen@university.example",
        "Paul Nguyen",
        "HR Coordinator",
        "Human Resources",
        EASTERN_CANADA,
        "Onboarding for administrative staff, unionised and management alike.",
    ),
    Person(
        "sandra.kowalski@university.example",
        "Sandra Kowalski",
        "Executive Assistant to the Dean",
        "Faculty of Engineering",
        EASTERN_CANADA,
        "Shares templates freely; credit appreciated.",
    ),
    Person(
        "rosa.martinez@university.example",
        "Rosa Martinez",
        "Office Manager",
        "Registrar's Office",
        EASTERN_CANADA,
        "Records retention and the office move of 2024.",
    ),
    Person(
        "amira.hassan@university.example",
        "Amira Hassan",
        "Administrative Coordinator",
        "Centre for Teaching and Learning",
        EASTERN_CANADA,
        "Events, workshops and room bookings.",
    ),
    Person(
        "ian.fraser@university.example",
        "Ian Fraser",
        "Administrative Assistant",
        "Department of Chemistry",
        EASTERN_CANADA,
        "Joined the department in September.",
    ),
    # --- Instructional designers, an open community [004]
    Person(
        "sofia.marques@university.example",
        "Sofia Marques",
        "Senior Instructional Designer",
        "Centre for Teaching and Learning",
        EASTERN_CANADA,
        "Hosts this month's web conference. Course design, accessibility, and tea.",
    ),
    Person(
        "ines.garcia@university.example",
        "Inés García",
        "Educational Developer",
        "Centre for Teaching and Learning",
        EASTERN_CANADA,
        "Helps faculty redesign assessment.",
    ),
    Person(
        "liam.oconnor@contoso.example",
        "Liam O'Connor",
        "Learning Experience Designer",
        "Contoso",
        "Europe/Dublin",
        "Onboarding programmes for 6,000 people a year.",
    ),
    Person(
        "chloe.martin@lucernepublishing.example",
        "Chloé Martin",
        "Instructional Designer",
        "Lucerne Publishing",
        "Europe/Paris",
        "Turns textbooks into courses.",
    ),
    Person(
        "ravi.kumar@adatum.example",
        "Ravi Kumar",
        "eLearning Developer",
        "A. Datum Corporation",
        "Asia/Kolkata",
        "Authoring tools, SCORM and xAPI, and why they break.",
    ),
    Person(
        "hana.sato@treyresearch.example",
        "Hana Sato",
        "Training Manager",
        "Trey Research",
        "Asia/Tokyo",
        "Lab safety training that people actually finish.",
    ),
    Person(
        "jack.thompson@fourthcoffee.example",
        "Jack Thompson",
        "Learning and Development Lead",
        "Fourth Coffee",
        "Australia/Sydney",
        "Barista training in twelve languages.",
    ),
    Person(
        "olivia.brown@humongousinsurance.example",
        "Olivia Brown",
        "Instructional Designer",
        "Humongous Insurance",
        "America/Chicago",
        "Compliance courses that are not a chore.",
    ),
    Person(
        "noah.williams@wingtip.example",
        "Noah Williams",
        "Curriculum Designer",
        "Wingtip Toys",
        "America/New_York",
        "Store staff training and micro-learning.",
    ),
    Person(
        "zara.ahmed@northwind.example",
        "Zara Ahmed",
        "Learning Technologist",
        "Northwind Traders",
        "Europe/London",
        "Video, captions and the learning platform.",
    ),
    Person(
        "tariq.aziz@tailspin.example",
        "Tariq Aziz",
        "Instructional Designer",
        "Tailspin Toys",
        "America/Denver",
        "New to instructional design after ten years of teaching.",
    ),
]


@dataclass(frozen=True)
class Seat:
    email: str
    role: str = "member"
    status: str = "active"
    # For delegates: the email of the member they read on behalf of.
    principal: str | None = None


def _way_in(community, seat: Seat, user, inviter) -> dict:
    """Who seated a demo member and how, for the member list: members of an
    open community joined themselves; everyone else was invited."""
    from copse.memberships.models import Membership

    if seat.role == "delegate":
        return {"seated_by": inviter, "seated_via": Membership.SeatedVia.DELEGATE}
    if seat.role == "member" and community.join_policy == "open":
        return {"seated_by": user, "seated_via": Membership.SeatedVia.OPEN_JOIN}
    return {
        "seated_by": inviter if user != inviter else None,
        "seated_via": Membership.SeatedVia.INVITATION,
    }


@dataclass(frozen=True)
class Norms:
    body: str
    change_note: str = ""
    days_ago: int = 0
    # Seated members who have not (yet) accepted this version.
    not_accepted_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Message:
    """One post of a demo conversation."""

    author: str
    body: str
    helpful: bool = False


@dataclass(frozen=True)
class Conversation:
    kind: str
    title: str
    days_ago: int
    posts: tuple[Message, ...]  # the first opens the thread
    tags: tuple[str, ...] = ()
    summary: str = ""


@dataclass(frozen=True)
class JoinRequestSpec:
    email: str
    note: str
    days_ago: int


@dataclass(frozen=True)
class InvitationSpec:
    email: str
    message: str
    days_ago: int
    role: str = "member"


@dataclass(frozen=True)
class CommunitySpec:
    slug: str
    fields: dict
    age_days: int
    facilitators: tuple[str, ...]
    seats: tuple[Seat, ...]
    norms: tuple[Norms, ...]
    conversations: tuple[Conversation, ...] = ()
    join_requests: tuple[JoinRequestSpec, ...] = ()
    invitations: tuple[InvitationSpec, ...] = ()
    catalogue: tuple[tuple[str, str], ...] = field(default=())


CIO_NORMS_1 = """\
1. **What is said here stays here.** Nothing said in a meeting, a conversation or the library is repeated outside the community, with or without names.
2. We come to learn, not to sell. Vendors attend only as invited presenters.
3. Everyone speaks. The facilitator draws out quieter voices; the rest of us leave room for them.
4. Ask early, answer when you can. No question is too small for this group.
5. We do not recruit each other's staff through the community.
6. Members choose the topics, the hosts and the dates.
"""

CIO_NORMS_2 = """\
1. **What is said here stays here.** Nothing said in a meeting, a conversation or the library is repeated outside the community, with or without names.
2. You may take what you learned to your board or your team without names or companies: "I talked to six other CIOs with the same problem, and this is what they did."
3. We come to learn, not to sell. Vendors and experts attend only as invited presenters, and see only their own session.
4. Everyone speaks. The facilitator draws out quieter voices; the rest of us leave room for them.
5. Ask early, answer when you can. No question is too small for this group.
6. We do not recruit each other's staff through the community.
7. Members choose the topics, the hosts and the dates.
"""

AO_NORMS = """\
1. What members share stays among members.
2. At most two directors from each company, so every company's voice is heard.
3. Dialogue, not debate: listen first, and ask before you argue.
4. Side meetings a member organises are shared here, and every member is welcome.
5. Come prepared: read the topic note before the meeting.
"""

ADMIN_NORMS = """\
1. Set aside job titles: unionised and management colleagues take part as equals.
2. Share what is meant for sharing; copy and adapt it freely, and credit whose work it was.
3. Use discretion. We never pass on information that was shared as privileged or confidential.
4. A delegate speaks for their principal's area, and is welcomed as a full member.
5. Bring the question, not just the answer: "how do we do x?" is always welcome.
"""

DESIGN_NORMS = """\
1. This community belongs to all of us: hosting the monthly web conference rotates.
2. Anyone may nominate a topic; the community votes on which ones we take.
3. Talk to each other, not only to the host. Many to many beats one to many.
4. Share work in progress. It does not need to be polished to be useful.
5. Be kind about time zones; nobody is expected to attend every session.
"""

CIO_MEMBERS = (
    "dev@contoso.example",
    "grace.kim@fabrikam.example",
    "olu.adeyemi@adventure-works.example",
    "hannah.berg@tailspin.example",
    "marcus.chen@wingtip.example",
    "rachel.goldberg@litware.example",
    "kwame.mensah@proseware.example",
    "priya.nair@woodgrove.example",
    "luis.ortega@alpineskihouse.example",
    "emma.walsh@cohowinery.example",
    "james.obrien@wideworldimporters.example",
    "yuki.tanaka@treyresearch.example",
    "sofia.rossi@lucernepublishing.example",
    "david.levy@humongousinsurance.example",
    "nadia.haddad@blueyonderairlines.example",
    "ben.carter@fourthcoffee.example",
    "mei.lin@relecloud.example",
    "arjun.mehta@adatum.example",
)

TELECOM_SUMMARY = """\
I talked to six other CIOs with the same problem. What they did:

- **Ran a competitive bid across three carriers** instead of renewing; two saw 20–30% lower rates for the same circuits.
- **Had an outside telecom expense audit.** Billing errors and lines nobody used were 15–18% of the bill.
- **Pooled mobile data plans** across the fleet.
- **Replaced old PRI lines with SIP trunking** at head office and the larger sites.

We did the first two and will do the third at renewal. Annual savings so far: **more than $250K**.
"""

COMMUNITIES = [
    CommunitySpec(
        slug="sv-cio-cop",
        age_days=3 * 365,
        fields={
            "name": "Silicon Valley CIO CoP",
            "purpose": (
                "CIOs from about twenty Silicon Valley companies learning from each other: "
                "the problems we cannot take anywhere else, the vendors and practices that "
                "work, and how to grow our people. What is said here stays here."
            ),
            "goals": (
                "- Bring each other real problems and leave each meeting with a few nuggets.\n"
                "- Hear first-hand which vendors, products and practices work, and which do not.\n"
                "- Define best-practice contract terms for buying software, fair to buyers and sellers.\n"
                "- Keep a library of meeting summaries and presentations."
            ),
            "kind": "cross",
            "visibility": "confidential",
            "listed": True,
            "join_policy": "invitation",
            "eligibility": "Chief information officers of member companies",
            "per_organisation_cap": 1,
            "size_cap": 25,
            "meeting_cadence": "Half a day every month at a member company, with dinner",
        },
        facilitators=("maria@northwind.example",),
        # Sam Whitaker becomes a guest presenter by accepting the invitation to
        # present at the next meeting (demo_meetings), not by a seat here.
        seats=tuple(Seat(email) for email in CIO_MEMBERS),
        norms=(
            Norms(CIO_NORMS_1, days_ago=3 * 365 - 10),
            Norms(
                CIO_NORMS_2,
                change_note=(
                    "After the telecom ask: say how we take what we learn to our boards "
                    "without names (rule 2); guest presenters see only their own session."
                ),
                days_ago=12,
                not_accepted_by=(
                    "ben.carter@fourthcoffee.example",
                    "emma.walsh@cohowinery.example",
                ),
            ),
        ),
        catalogue=(("Vendor Networks", "vendor"), ("SIP trunking", "technology")),
        conversations=(
            Conversation(
                kind="ask",
                title="Telecom costs are out of control: who has switched carriers?",
                days_ago=75,
                tags=("Telecom", "Vendor Networks", "SIP trunking", "Metrics"),
                posts=(
                    Message(
                        "dev@contoso.example",
                        "Our voice and data bill has doubled since 2022 and the carrier will not "
                        "move at renewal. Has anyone renegotiated recently, or switched? Which "
                        "vendors would you talk to, and which would you avoid?",
                    ),
                    Message(
                        "priya.nair@woodgrove.example",
                        "We ran a competitive bid across three carriers last year instead of "
                        "renewing. Same circuits, 27% lower. Happy to share our RFP template "
                        "(minus the prices) with anyone here.",
                        helpful=True,
                    ),
                    Message(
                        "luis.ortega@alpineskihouse.example",
                        "Before you negotiate, get a telecom expense audit. Ours found 18% of "
                        "the bill was billing errors and lines nobody had used in a year. The "
                        "firm worked on a share of the savings, so no risk.",
                        helpful=True,
                    ),
                    Message(
                        "marcus.chen@wingtip.example",
                        "Mobile was our biggest line. Pooling data plans across the fleet cut "
                        "it by a third.",
                    ),
                    Message(
                        "nadia.haddad@blueyonderairlines.example",
                        "We replaced the PRI lines at head office with SIP trunking. Vendor "
                        "Networks did it for us; solid, but insist on a cut-over plan per site.",
                    ),
                    Message(
                        "olu.adeyemi@adventure-works.example",
                        "We switched our WAN carrier and kept mobile where it was. Make sure the "
                        "new contract has exit terms and service credits you can actually claim.",
                        helpful=True,
                    ),
                    Message(
                        "kwame.mensah@proseware.example",
                        "We stayed, but only after showing our carrier two competing quotes. "
                        "They matched within a week.",
                    ),
                    Message(
                        "dev@contoso.example",
                        "Thank you all. Priya, yes please to the template. I will report back "
                        "after renewal.",
                    ),
                ),
                summary=TELECOM_SUMMARY,
            ),
            Conversation(
                kind="ask",
                title="Service desk platforms: who has lived with theirs for three years or more?",
                days_ago=40,
                tags=("Vendor Networks", "Service desk", "Technology"),
                posts=(
                    Message(
                        "hannah.berg@tailspin.example",
                        "Our service desk contract ends in spring. Before we sit through demos: "
                        "which platforms have you run for three years or more, and would you "
                        "choose them again?",
                    ),
                    Message(
                        "mei.lin@relecloud.example",
                        "Four years on ours. Good workflows, painful upgrades: budget for a "
                        "partner at every major version.",
                        helpful=True,
                    ),
                    Message(
                        "arjun.mehta@adatum.example",
                        "We moved off an on-premises tool to a hosted one. Licence cost went "
                        "up, admin time went down by more than that.",
                    ),
                    Message(
                        "sofia.rossi@lucernepublishing.example",
                        "Ask every vendor for three reference customers your size, and call "
                        "them without the vendor on the line.",
                        helpful=True,
                    ),
                ),
            ),
            Conversation(
                kind="discussion",
                title="SD-WAN: Vendor Networks or build it ourselves?",
                days_ago=30,
                tags=("Vendor Networks", "SIP trunking", "Technology"),
                posts=(
                    Message(
                        "james.obrien@wideworldimporters.example",
                        "Vendor Networks quoted us a managed SD-WAN for 60 sites. Our network "
                        "team thinks we can run it ourselves for less. Experiences either way?",
                    ),
                    Message(
                        "yuki.tanaka@treyresearch.example",
                        "We built it ourselves and regret the on-call load, not the cost.",
                    ),
                    Message(
                        "david.levy@humongousinsurance.example",
                        "Managed, with Vendor Networks. Fine day to day; escalations were slow "
                        "until we put response times in the contract.",
                    ),
                ),
            ),
            Conversation(
                kind="announcement",
                title="Next meeting: hosted by Litware, with two presenters and dinner",
                days_ago=20,
                tags=("Meetings",),
                posts=(
                    Message(
                        "maria@northwind.example",
                        "Rachel and Litware host us next month, 1–5 pm, then dinner. Two "
                        "presenters: Sam Whitaker on SIP trunking, and a member panel on "
                        "software contract terms. Reply here with topics you want covered.",
                    ),
                    Message(
                        "rachel.goldberg@litware.example",
                        "Looking forward to it. Parking is free in the north lot.",
                    ),
                ),
            ),
            Conversation(
                kind="discussion",
                title="Contract terms for buying software: a first draft",
                days_ago=45,
                tags=("Processes", "Contracts"),
                posts=(
                    Message(
                        "david.levy@humongousinsurance.example",
                        "As agreed at the last meeting, a first list of terms we would all like "
                        "to see: price caps at renewal, data export in open formats, and exit "
                        "assistance. What is missing?",
                    ),
                    Message(
                        "kwame.mensah@proseware.example",
                        "Breach notification within 72 hours, and the right to audit "
                        "sub-processors.",
                    ),
                ),
            ),
        ),
        invitations=(
            InvitationSpec(
                "cio@margiestravel.example",
                "We would be glad to have Margie's Travel in the CoP. Come to one meeting "
                "as our guest first, if you like.",
                days_ago=3,
            ),
        ),
    ),
    CommunitySpec(
        slug="sv-ao-cop",
        age_days=2 * 365,
        fields={
            "name": "Silicon Valley Applications/Operations CoP",
            "purpose": (
                "Director-level applications and operations leaders, at most two from each "
                "company, building the trust to share what works in running IT day to day."
            ),
            "goals": (
                "- Learn from each other's incidents, upgrades and migrations.\n"
                "- Share side meetings and site visits members organise.\n"
                "- Build the familiarity that makes frank advice possible."
            ),
            "topic_areas": [
                "Applications",
                "Operations",
                "People",
                "Processes",
                "Vendors",
                "Metrics",
            ],
            "kind": "cross",
            "visibility": "members",
            "listed": True,
            "join_policy": "request",
            "eligibility": "director-level applications or operations leaders",
            "per_organisation_cap": 2,
            "size_cap": 25,
            "meeting_cadence": "Half a day plus dinner, every other month",
        },
        facilitators=("irene.castillo@woodgrove.example",),
        seats=tuple(
            Seat(email)
            for email in (
                "ana@fabrikam.example",
                "tomas.novak@fabrikam.example",
                "kofi.boateng@woodgrove.example",
                "lena.fischer@contoso.example",
                "raj.iyer@northwind.example",
                "claire.dubois@litware.example",
                "mateo.silva@relecloud.example",
                "aisha.rahman@relecloud.example",
                "peter.lindqvist@proseware.example",
                "fatima.elamin@blueyonderairlines.example",
                "george.huang@humongousinsurance.example",
                "elif.yilmaz@adventure-works.example",
            )
        ),
        norms=(Norms(AO_NORMS, days_ago=2 * 365 - 14),),
        conversations=(
            Conversation(
                kind="discussion",
                title="Side meeting: the role of IT in mergers and acquisitions",
                days_ago=30,
                tags=("Mergers",),
                posts=(
                    Message(
                        "claire.dubois@litware.example",
                        "I have set up an afternoon with a company that has done forty "
                        "acquisitions, to hear how their IT team joins the deal early. Not an "
                        "official CoP meeting, but every member is welcome. Reply if you are in.",
                    ),
                    Message("ana@fabrikam.example", "Count me in, and Tomáš too."),
                    Message(
                        "mateo.silva@relecloud.example",
                        "In. Could we ask about identity and email cut-over on day one?",
                    ),
                ),
            ),
            Conversation(
                kind="ask",
                title="How do you run post-incident reviews without blame?",
                days_ago=9,
                tags=("Operations", "Processes"),
                posts=(
                    Message(
                        "peter.lindqvist@proseware.example",
                        "Our reviews turn into finger-pointing. What format do you use, and who "
                        "chairs them?",
                    ),
                    Message(
                        "irene.castillo@woodgrove.example",
                        "We chair them from outside the team involved and only ask 'what made "
                        "this seem like the right thing to do at the time?'. Template in the "
                        "library soon.",
                        helpful=True,
                    ),
                ),
            ),
        ),
        join_requests=(
            JoinRequestSpec(
                "nora.kelly@alpineskihouse.example",
                "Director of IT Operations at Alpine Ski House. Luis (our CIO) suggested I "
                "join; we would be the first from Alpine.",
                days_ago=2,
            ),
            JoinRequestSpec(
                "victor.petrov@fabrikam.example",
                "I run data platforms at Fabrikam and would love to take part.",
                days_ago=5,
            ),
        ),
    ),
    CommunitySpec(
        slug="administrators-cop",
        age_days=365,
        fields={
            "name": "Administrators' Community of Practice",
            "purpose": (
                "Administrative staff across State University, unionised and management "
                "alike, sharing how we do our work so nobody reinvents the wheel."
            ),
            "goals": (
                "- Answer each other's 'how do we do x?' questions.\n"
                "- Share and re-use templates, with credit.\n"
                "- Write the SOPs we all need, together.\n"
                "- Visit each other's offices and learn from them."
            ),
            "topic_areas": [
                "Meetings and minutes",
                "Travel and events",
                "SOPs",
                "Calendars",
                "Records",
                "Professional development",
            ],
            "kind": "internal",
            "visibility": "members",
            "listed": True,
            "join_policy": "request",
            "eligibility": "administrative role",
            "meeting_cadence": "An hour over lunch every month, and a workshop each term",
        },
        facilitators=("joanne.whitfield@university.example",),
        seats=(
            Seat("lee@university.example"),
            # She stepped back this year; her assistant reads and attends for her [002].
            Seat("margaret.osei@university.example", status="on_leave"),
            Seat(
                "tom.becker@university.example",
                role="delegate",
                principal="margaret.osei@university.example",
            ),
            Seat("karen.liu@university.example"),
            Seat("diane.morrison@university.example"),
            Seat("paul.nguyen@university.example"),
            Seat("sandra.kowalski@university.example"),
            Seat("rosa.martinez@university.example"),
            Seat("amira.hassan@university.example"),
        ),
        norms=(Norms(ADMIN_NORMS, days_ago=360),),
        conversations=(
            Conversation(
                kind="ask",
                title="Is there a template for committee minutes we can all use?",
                days_ago=21,
                tags=("Meetings and minutes", "Templates"),
                posts=(
                    Message(
                        "lee@university.example",
                        "How do you take minutes for committee meetings? I am rewriting ours "
                        "and would rather start from something that works.",
                    ),
                    Message(
                        "sandra.kowalski@university.example",
                        "Use ours: it is adapted from Margaret's template, with credit, and "
                        "has action items with owners and dates at the top. I will put it in "
                        "the library.",
                        helpful=True,
                    ),
                    Message(
                        "rosa.martinez@university.example",
                        "Same template here. Add a line for records retention at the end.",
                    ),
                ),
                summary=(
                    "Sandra's template (adapted from Margaret's) with Rosa's records-"
                    "retention line. The Registrar's Office uses it from this term."
                ),
            ),
            Conversation(
                kind="discussion",
                title="Writing the SOP for booking visiting speakers together",
                days_ago=6,
                tags=("SOPs",),
                posts=(
                    Message(
                        "diane.morrison@university.example",
                        "Engineering's version is five years old. Who would like to help "
                        "rewrite it so every faculty can use it? First draft by the end of "
                        "the month.",
                    ),
                    Message(
                        "karen.liu@university.example",
                        "Chemistry will help: we book about thirty speakers a year.",
                    ),
                    Message(
                        "amira.hassan@university.example",
                        "The Centre books speakers too. Could we add a section on rooms, AV "
                        "and honoraria forms?",
                    ),
                ),
            ),
        ),
        join_requests=(
            JoinRequestSpec(
                "ian.fraser@university.example",
                "New administrative assistant in Chemistry; Karen suggested I join.",
                days_ago=1,
            ),
        ),
    ),
    CommunitySpec(
        slug="instructional-design",
        age_days=240,
        fields={
            "name": "Instructional Designers",
            "purpose": (
                "An open community of instructional designers and learning technologists. "
                "We talk between sessions here and meet once a month on a web conference "
                "about topics members nominate."
            ),
            "goals": (
                "- Change our practice, not just talk about it.\n"
                "- Take turns hosting; no steering committee.\n"
                "- Keep the conversation going between sessions."
            ),
            "topic_areas": [
                "Learning design",
                "Accessibility",
                "Assessment",
                "Tools",
                "Video",
                "Evaluation",
            ],
            "kind": "cross",
            "visibility": "open",
            "listed": True,
            "join_policy": "open",
            "eligibility": "",
            "meeting_cadence": "A monthly web conference; members nominate the topics",
        },
        facilitators=("sofia.marques@university.example",),
        seats=tuple(
            Seat(email)
            for email in (
                "ines.garcia@university.example",
                "liam.oconnor@contoso.example",
                "chloe.martin@lucernepublishing.example",
                "ravi.kumar@adatum.example",
                "hana.sato@treyresearch.example",
                "jack.thompson@fourthcoffee.example",
                "olivia.brown@humongousinsurance.example",
                "noah.williams@wingtip.example",
                "zara.ahmed@northwind.example",
                "tariq.aziz@tailspin.example",
            )
        ),
        norms=(Norms(DESIGN_NORMS, days_ago=235),),
        conversations=(
            Conversation(
                kind="discussion",
                title="Nominate topics for next month's web conference",
                days_ago=8,
                tags=("Web conference",),
                posts=(
                    Message(
                        "sofia.marques@university.example",
                        "I am hosting next month. Nominate a topic below and we will vote at "
                        "the end of the week.",
                    ),
                    Message(
                        "hana.sato@treyresearch.example",
                        "Captioning video at scale: what is good enough?",
                    ),
                    Message(
                        "liam.oconnor@contoso.example",
                        "Measuring whether onboarding courses change anything on the job.",
                    ),
                    Message(
                        "chloe.martin@lucernepublishing.example",
                        "+1 to Hana's. And: writing good multiple-choice distractors.",
                    ),
                ),
            ),
            Conversation(
                kind="ask",
                title="Which authoring tool exports accessible HTML?",
                days_ago=3,
                tags=("Tools", "Accessibility"),
                posts=(
                    Message(
                        "tariq.aziz@tailspin.example",
                        "We need courses that work with screen readers. Which tools export "
                        "HTML that passes an accessibility audit?",
                    ),
                    Message(
                        "ravi.kumar@adatum.example",
                        "None of them out of the box, in my experience. Test the export with "
                        "a screen reader before you buy.",
                    ),
                ),
            ),
        ),
    ),
]


LONG_THREAD_COMMUNITY = "sv-cio-cop"
LONG_THREAD_TITLE = "One thing that worked this week"
LONG_THREAD_REPLIES = 320
LONG_THREAD_LINES = (
    "Week {week}: we moved the change board to Tuesdays and cut emergency changes by half.",
    "Week {week}: a vendor QBR where we brought our own scorecard. Much better conversation.",
    "Week {week}: paired a junior analyst with our architect for a sprint. Both learned a lot.",
    "Week {week}: closed 40 stale tickets by asking users whether they still needed them.",
    "Week {week}: took the telecom audit advice from this group. First refund cheque arrived.",
    "Week {week}: a blameless review of last month's outage. People spoke up.",
    "Week {week}: cancelled two recurring meetings nobody would miss. Nobody did.",
    "Week {week}: finally documented the on-call runbook; new hire used it on night one.",
)


def _ago(now, days: float):
    return now - timedelta(days=days)


class _Loader:
    """One load of the demo. Creates what is missing; never changes what exists."""

    def __init__(self):
        self.now = timezone.now()
        self.password = make_password(PASSWORD)
        self.organisations: dict = {}
        self.people: dict = {}
        self.created: dict[str, int] = {}

    def _count(self, what: str) -> None:
        """Tally one new row; `what` is the plural the summary prints."""
        self.created[what] = self.created.get(what, 0) + 1

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self._load_organisations()
            self._load_people()
            for spec in COMMUNITIES:
                self._load_community(spec)
            from copse.core.demo_mail import load_mail_choices
            from copse.core.demo_meetings import load_meetings

            load_meetings(self)
            load_mail_choices(self)
        return self.created

    # --- Organisations and people ------------------------------------------------

    def _load_organisations(self) -> None:
        from copse.organisations.models import Organisation, OrganisationDomain

        for name, kind in ORGANISATIONS:
            organisation, created = Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "parent_institution": UNIVERSITY if kind == "unit" else "",
                },
            )
            if created:
                self._count("organisations")
            if name in DOMAINS:
                OrganisationDomain.objects.get_or_create(
                    domain=DOMAINS[name], defaults={"organisation": organisation}
                )
            self.organisations[name] = organisation

    def _load_people(self) -> None:
        for person in PEOPLE:
            self.ensure_person(person)

    def ensure_person(self, person: Person):
        """The person's account, created (with a verified address) if missing."""
        from allauth.account.models import EmailAddress

        from copse.accounts.models import User

        user = User.objects.filter(email=person.email).first()
        if user is None:
            # One hash for everyone: Argon2 is slow on purpose.
            user = User(
                email=person.email,
                password=self.password,
                display_name=person.name,
                job_title=person.job_title,
                time_zone=person.time_zone,
                bio=person.bio,
                is_staff=person.site_admin,
                is_superuser=person.site_admin,
                date_joined=self.now - timedelta(days=400),
            )
            user.save()
            self._count("people")
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if person.organisation and user.organisation_id is None:
            user = self._verify_organisation(user, address, person.organisation)
        self.people[person.email] = user
        return user

    def _verify_organisation(self, user, address, name: str):
        """The person's organisation, verified as on a real site: by their
        confirmed address in its domain, or else by the site administrator."""
        from copse.accounts.models import User
        from copse.organisations.services import set_organisation, verify_from_address

        organisation = self.organisations[name]
        verify_from_address(email_address=address)
        user = User.objects.select_related("organisation").get(pk=user.pk)
        if user.organisation_id != organisation.pk:
            set_organisation(
                actor=self.people["admin@copse.example"], user=user, organisation=organisation
            )
            user.refresh_from_db()
        return user

    # --- Communities ---------------------------------------------------------------

    def _load_community(self, spec: CommunitySpec) -> None:
        from copse.communities.models import Community
        from copse.communities.services import create_community
        from copse.memberships.services import _recount

        admin = self.people["admin@copse.example"]
        community = Community.objects.filter(slug=spec.slug).first()
        created_at = _ago(self.now, spec.age_days)
        new = community is None
        if new:
            community = create_community(
                actor=admin,
                facilitators=[self.people[email] for email in spec.facilitators],
                slug=spec.slug,
                **spec.fields,
            )
            Community.objects.filter(pk=community.pk).update(created_at=created_at)
            self._count("communities")
        for entry in spec.catalogue:
            self._catalogue_entry(admin, *entry)
        self._seat_members(community, spec, created_at if new else None)
        _recount(community)
        self._publish_norms(community, spec)
        self._ask_to_join(community, spec)
        self._invite(community, spec)

    def _catalogue_entry(self, admin, name: str, kind: str) -> None:
        from copse.conversations.models import Tag
        from copse.conversations.services import add_to_catalogue

        if not Tag.objects.filter(community__isnull=True, name__iexact=name, kind=kind).exists():
            add_to_catalogue(actor=admin, name=name, kind=kind)

    def _seat_members(self, community, spec: CommunitySpec, created_at) -> None:
        """Seat the members (not through the join services: they would email
        everyone). `created_at` is set when the community is new: the joining
        dates are then spread over its life."""
        from copse.core.permissions import forget_standings
        from copse.memberships.models import Membership

        seats = spec.seats
        # The story behind each seat: the first facilitator invited them (a
        # delegate through the member they stand in for), as the member list shows.
        inviter = self.people[spec.facilitators[0]]
        for n, seat in enumerate(seats):
            user = self.people[seat.email]
            principal = None
            if seat.principal:
                principal = Membership.objects.get(
                    community=community, user=self.people[seat.principal]
                )
            membership, created = Membership.objects.get_or_create(
                community=community,
                user=user,
                defaults={
                    "role": seat.role,
                    "status": seat.status,
                    "organisation": user.organisation,
                    "principal": principal,
                    **_way_in(community, seat, user, inviter),
                },
            )
            if created:
                if created_at is not None:
                    span = (self.now - created_at) * 0.8
                    joined = created_at + span * (n + 1) / (len(seats) + 1)
                    Membership.objects.filter(pk=membership.pk).update(joined_at=joined)
                self._count("memberships")
            forget_standings(user)
        if created_at is not None:
            Membership.objects.filter(
                community=community, user__email__in=spec.facilitators
            ).update(joined_at=created_at)

    def _publish_norms(self, community, spec: CommunitySpec) -> None:
        from copse.core.permissions import READING_ROLES, SEATED_STATUSES, forget_standings
        from copse.memberships.models import Membership
        from copse.norms.models import NormsAcceptance, NormsVersion
        from copse.norms.services import accept_current_norms, publish_norms

        facilitator = self.people[spec.facilitators[0]]
        for number, norms in enumerate(spec.norms, start=1):
            if community.norms_version >= number:
                continue
            forget_standings(facilitator)
            version = publish_norms(
                actor=facilitator,
                community=community,
                body=norms.body,
                change_note=norms.change_note,
            )
            published_at = _ago(self.now, norms.days_ago)
            NormsVersion.objects.filter(pk=version.pk).update(published_at=published_at)
            self._count("norms versions")
            members = Membership.objects.filter(
                community=community, status__in=SEATED_STATUSES, role__in=READING_ROLES
            ).select_related("user")
            for n, membership in enumerate(members):
                if (
                    membership.user.email in norms.not_accepted_by
                    or membership.norms_accepted >= version.number  # the publisher
                ):
                    continue
                accept_current_norms(
                    actor=membership.user, community=community, membership=membership
                )
                NormsAcceptance.objects.filter(version=version, user=membership.user).update(
                    accepted_at=published_at + timedelta(hours=5 + 7 * n)
                )
            if number == 1:
                # Conversations begin once everyone has accepted the first norms.
                for conversation in spec.conversations:
                    self._converse(community, conversation)
                if spec.slug == LONG_THREAD_COMMUNITY:
                    self._long_thread(community)

    def _long_thread(self, community) -> None:
        """A year of weekly "one thing that worked" replies: 320 posts, written in
        bulk (no notifications for a year of history) and then indexed."""
        from copse.conversations import search_index
        from copse.conversations.models import Post, Thread
        from copse.conversations.rendering import render_post
        from copse.memberships.models import Membership

        if Thread.objects.filter(community=community, title=LONG_THREAD_TITLE).exists():
            return
        members = [
            m.user
            for m in Membership.objects.filter(
                community=community, status="active", role__in=("member", "facilitator")
            )
            .select_related("user")
            .order_by("pk")
        ]
        started = _ago(self.now, 360)
        thread = Thread.objects.create(
            community=community,
            kind="discussion",
            title=LONG_THREAD_TITLE,
            author=self.people["maria@northwind.example"],
            visibility_floor=community.visibility,
            last_activity_at=self.now - timedelta(hours=6),
            last_position=LONG_THREAD_REPLIES,
            reply_count=LONG_THREAD_REPLIES,
        )
        Thread.objects.filter(pk=thread.pk).update(created_at=started)
        opening = (
            "Once a week, one thing that worked: a practice, a vendor call that went well, "
            "a person on your team who shone. Short is fine."
        )
        rows = [
            Post(
                thread=thread,
                community=community,
                position=0,
                author=thread.author,
                body=opening,
                body_html=render_post(opening),
                created_at=started,
            )
        ]
        for position in range(1, LONG_THREAD_REPLIES + 1):
            author = members[(position * 7) % len(members)]
            body = LONG_THREAD_LINES[position % len(LONG_THREAD_LINES)].format(
                week=position // 6 + 1
            )
            rows.append(
                Post(
                    thread=thread,
                    community=community,
                    position=position,
                    author=author,
                    body=body,
                    body_html=render_post(body),
                )
            )
        Post.objects.bulk_create(rows)
        for position in range(1, LONG_THREAD_REPLIES + 1, 40):
            Post.objects.filter(
                thread=thread, position__gte=position, position__lt=position + 40
            ).update(created_at=started + timedelta(days=position * 360 / LONG_THREAD_REPLIES))
        search_index.index_thread(thread)
        self._count("conversations")

    def _converse(self, community, conversation: Conversation) -> None:
        from copse.conversations import services
        from copse.conversations.models import Post, Thread
        from copse.core.permissions import forget_standings

        if Thread.objects.filter(community=community, title=conversation.title).exists():
            return
        opening, *replies = conversation.posts
        author = self.people[opening.author]
        forget_standings(author)
        thread = services.start_thread(
            actor=author,
            community=community,
            kind=conversation.kind,
            title=conversation.title,
            body=opening.body,
            tag_names=conversation.tags,
        )
        started = _ago(self.now, conversation.days_ago)
        Post.objects.filter(thread=thread, position=0).update(created_at=started)
        when = started
        for n, reply in enumerate(replies, start=1):
            replier = self.people[reply.author]
            forget_standings(replier)
            post = services.post_reply(actor=replier, thread=thread, body=reply.body)
            when = started + timedelta(hours=3 * n + n * n)
            Post.objects.filter(pk=post.pk).update(created_at=when)
            if reply.helpful:
                services.mark_helpful(actor=author, post=post)
        if conversation.summary:
            services.save_summary(actor=author, thread=thread, summary=conversation.summary)
        Thread.objects.filter(pk=thread.pk).update(
            created_at=started, last_activity_at=when, summary_updated_at=None
        )
        if conversation.summary:
            Thread.objects.filter(pk=thread.pk).update(summary_updated_at=when)
        self._count("conversations")

    def _ask_to_join(self, community, spec: CommunitySpec) -> None:
        from copse.audit.services import record
        from copse.memberships.models import JoinRequest, Membership

        for wish in spec.join_requests:
            user = self.people[wish.email]
            known = (
                JoinRequest.objects.filter(community=community, user=user).exists()
                or Membership.objects.filter(community=community, user=user).exists()
            )
            if known:
                continue
            join_request = JoinRequest.objects.create(
                community=community, user=user, note=wish.note
            )
            JoinRequest.objects.filter(pk=join_request.pk).update(
                created_at=_ago(self.now, wish.days_ago)
            )
            record(actor=user, action="membership.requested", community=community, subject=user)
            self._count("join requests")

    def _invite(self, community, spec: CommunitySpec) -> None:
        from copse.audit.services import record
        from copse.memberships.models import Invitation

        inviter = self.people[spec.facilitators[0]]
        for invitation in spec.invitations:
            if Invitation.objects.filter(community=community, email=invitation.email).exists():
                continue
            row = Invitation.objects.create(
                community=community,
                email=invitation.email,
                role=invitation.role,
                message=invitation.message,
                invited_by=inviter,
            )
            Invitation.objects.filter(pk=row.pk).update(
                created_at=_ago(self.now, invitation.days_ago)
            )
            record(
                actor=inviter,
                action="invitation.sent",
                community=community,
                email=invitation.email,
                role=invitation.role,
            )
            self._count("invitations")


def load() -> dict[str, int]:
    """Load whatever of the demo is missing. Returns how many rows of each kind were made.

    Requests and invitations are written directly, without the services that
    would email the facilitators and invitees: the demo sends no mail. The
    meetings' guest presenters are invited through the services and accept at
    once, so the invitation mail queued for them finds the invitation used and
    is never sent.
    """
    return _Loader().run()


def print_logins(stdout) -> None:
    """The demo logins table, for `copse demo` and `copse serve --print-logins`."""
    from copse.accounts.models import User

    present = set(
        User.objects.filter(email__in=[email for email, _ in LOGINS]).values_list(
            "email", flat=True
        )
    )
    if not present:
        stdout.write("No demo logins here: this database was not loaded with `copse demo`.\n")
        return
    width = max(len(email) for email, _ in LOGINS)
    stdout.write(f"\nDemo logins at {settings.BASE_URL}/accounts/login/\n")
    stdout.write(f"Password for all of them: {PASSWORD}\n\n")
    stdout.write(f"  {'login':<{width}}  who\n")
    stdout.write(f"  {'-' * width}  {'-' * 48}\n")
    for email, who in LOGINS:
        if email in present:
            stdout.write(f"  {email:<{width}}  {who}\n")
    stdout.write("\n")
