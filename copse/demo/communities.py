"""The demo's five communities as data: who sits where, their norms, the
requests and invitations waiting, and the first conversations. People are
named by their email (see `copse.demo.people`)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Seat:
    email: str
    role: str = "member"
    status: str = "active"
    # For delegates: the email of the member they read on behalf of.
    principal: str | None = None


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
    # Files attached to the post: (name, content).
    files: tuple[tuple[str, bytes], ...] = ()


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
    # Where the members decide: who has answered the admission so far
    # (email, stance, reason).
    answers: tuple[tuple[str, str, str], ...] = ()


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

# Co-constructed at the circle's first meeting [003]; the second version is
# the members' own proposal (`copse.demo.decisions`).
CIRCLE_NORMS = """\
1. We wrote these norms together, and we change them together.
2. Everyone speaks before anyone speaks twice.
3. What a colleague shares about a struggle stays in this circle.
4. We bring real problems from our schools, not polished success stories.
5. Facilitation rotates each term. The facilitator keeps time and draws out every voice; nothing more.
6. Phones away; we start and end on time.
"""

CIRCLE = "principals-circle"
# The founding facilitator; the role has rotated since (`copse.demo.decisions`).
CIRCLE_FOUNDER = "alma.reyes@riverbend.example"
CIRCLE_MEMBERS = (
    "daniel.okafor@riverbend.example",
    "helen.park@riverbend.example",
    "farah@riverbend.example",
    "gwen.adler@riverbend.example",
    "curtis.bell@riverbend.example",
    "ingrid.sorensen@riverbend.example",
    "kenji.watanabe@riverbend.example",
)

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

AUDIT_CHECKLIST = (
    b"line item,what to check,who has it\n"
    b"Circuits,Every circuit on the bill is still in use,Network team\n"
    b"Mobile lines,Lines with no use in 90 days,Finance\n"
    b"Rates,Billed rates match the contract,Procurement\n"
    b"Taxes and fees,Fees that do not apply to your sites,Finance\n"
    b"Credits,Service credits owed for outages,Service desk\n"
)

RFP_TEMPLATE = b"""# Carrier RFP: what we asked three carriers

1. Every circuit and line we have today, by site (attached inventory).
2. Price per circuit for three and five years, with the renewal cap.
3. Service levels, and service credits paid without being claimed.
4. A cut-over plan per site, with who does what on the night.
5. Exit terms: notice, early-termination fees, number porting.
"""

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
            # Members suggest the peers to invite; the facilitator decides.
            "members_nominate_peers": True,
            "eligibility": "Chief information officers of member companies",
            "per_organisation_cap": 1,
            "size_cap": 25,
            "meeting_cadence": "Half a day every month at a member company, with dinner",
        },
        facilitators=("maria@northwind.example",),
        # Sam Whitaker becomes a guest presenter by accepting the invitation to
        # present at the next meeting (`meetings`), not by a seat here.
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
                        "renewing. Same circuits, 27% lower. Our RFP template (minus the "
                        "prices) is attached for anyone here.",
                        helpful=True,
                        files=(("carrier-rfp-template.md", RFP_TEMPLATE),),
                    ),
                    Message(
                        "luis.ortega@alpineskihouse.example",
                        "Before you negotiate, get a telecom expense audit. Ours found 18% of "
                        "the bill was billing errors and lines nobody had used in a year. The "
                        "firm worked on a share of the savings, so no risk. The checklist we "
                        "gave the auditors is attached.",
                        helpful=True,
                        files=(("telecom-audit-checklist.csv", AUDIT_CHECKLIST),),
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
                        "Thank you all. Priya, the template is just what we needed. I will "
                        "report back after renewal.",
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
            # Structured like the CIO CoP, whose members "decided who could
            # participate": each request is an admission proposal they answer.
            "join_policy": "members",
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
                answers=(
                    (
                        "kofi.boateng@woodgrove.example",
                        "agree",
                        "Alpine runs the same ERP we moved off last year; she would bring a lot.",
                    ),
                    ("peter.lindqvist@proseware.example", "abstain", "I have not met her yet."),
                ),
            ),
            JoinRequestSpec(
                "victor.petrov@fabrikam.example",
                "I run data platforms at Fabrikam and would love to take part.",
                days_ago=5,
                answers=(
                    (
                        "irene.castillo@woodgrove.example",
                        "agree",
                        "Data platforms come up at every side meeting; nobody here runs one.",
                    ),
                    (
                        "claire.dubois@litware.example",
                        "disagree",
                        "Fabrikam would then have two of us; I would like to hear from Ana first.",
                    ),
                ),
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
    CommunitySpec(
        slug=CIRCLE,
        age_days=420,
        fields={
            "name": "Riverbend Principals' Circle",
            "purpose": (
                "Principals of eight Riverbend schools sharing our practice and, more "
                "daringly, our struggles with it. Nobody owns this circle: we co-construct "
                "our norms, keep talking about them, and take turns facilitating."
            ),
            "goals": (
                "- Bring a real problem from our school to every meeting.\n"
                "- Keep our norms alive: revisit them each term so each voice is heard.\n"
                "- Grow the trust that lets us be honest with each other.\n"
                "- Decide together where the circle can act as one, as in hiring."
            ),
            "topic_areas": ["Teaching and learning", "Staff", "Families", "Hiring", "Norms"],
            "kind": "internal",
            "visibility": "members",
            "listed": True,
            "join_policy": "members",
            "who_may_propose": "contributors",
            "norms_review_months": 6,
            "eligibility": "Principals of Riverbend School District schools",
            "meeting_cadence": "After school on the first Wednesday of the month, at each school in turn",
        },
        facilitators=(CIRCLE_FOUNDER,),
        seats=tuple(Seat(email) for email in CIRCLE_MEMBERS),
        norms=(Norms(CIRCLE_NORMS, days_ago=410),),
        conversations=(
            Conversation(
                kind="ask",
                title="A first-year teacher is struggling and knows it. What has worked for you?",
                days_ago=24,
                tags=("Staff",),
                posts=(
                    Message(
                        "farah@riverbend.example",
                        "One of our new teachers is losing her Year 3 class by mid-morning. She "
                        "asked for help herself, which I want to honour. Coaching, a mentor, "
                        "co-teaching? What did you try, and what would you not do again?",
                    ),
                    Message(
                        "gwen.adler@riverbend.example",
                        "Short, frequent visits with one thing to work on each week, never a "
                        "list. And let her watch a colleague teach the same lesson first.",
                        helpful=True,
                    ),
                    Message(
                        "kenji.watanabe@riverbend.example",
                        "What I would not do again: put her on a formal plan in the first term. "
                        "It told her we had given up.",
                    ),
                    Message(
                        "ingrid.sorensen@riverbend.example",
                        "We pair new teachers with a mentor from another grade, so the advice is "
                        "about the class, not the curriculum. Happy to lend you one of ours for "
                        "a morning.",
                        helpful=True,
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
