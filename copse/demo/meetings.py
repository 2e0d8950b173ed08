"""The demo's meetings: a year of the CIO CoP's monthly half days (twelve
records with their slides, which publishing files in the library), the A/O
CoP every other month, the Administrators' lunches, workshop and site visit,
and the instructional designers' monthly web conference with its voted topics.

Everything is written through the meetings and topics services, as a
facilitator or member would: series generate the meetings (past ones by
generating from a date in the past), hosts come from the rotation, presenters
from outside are invited and accept, RSVPs and attendance go through the
RSVP and attendance services, slides through the upload service. Only what
those services stamp with the current time (publication, upload, creation
and acceptance times) is then backdated to when it would have happened.

Idempotent like the rest of the demo: a series, a meeting, a host offer or a
topic that exists is left alone, and a meeting that already has an agenda is
taken as loaded, so running the demo again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from copse.demo.communities import CIO_MEMBERS, COMMUNITIES
from copse.demo.people import EASTERN_CANADA, PACIFIC, Person

CIO = "sv-cio-cop"
AO = "sv-ao-cop"
ADMINS = "administrators-cop"
DESIGN = "instructional-design"

# The CIO CoP's year of monthly half days, each with its record and slides
# (one per session of CIO_PAST); the series also has the next months ahead.
CIO_RECORDS = 12
SAM = "sam@vendor.example"

EXPERTS = [
    Person(
        "jordan.blake@firstup.example",
        "Jordan Blake",
        "Principal, IT sourcing advisory",
        "First Up Consultants",
        PACIFIC,
        "Twenty years on both sides of outsourcing deals. Presents to the CIO CoP as a guest.",
    ),
    Person(
        "ruth.adler@bellows.example",
        "Dr. Ruth Adler",
        "Professor of Information Systems",
        "Bellows College",
        PACIFIC,
        "Studies how IT leaders are grown and chosen. Presents to the CIO CoP as a guest.",
    ),
    Person(
        "carlos.mendes@vanarsdel.example",
        "Carlos Mendes",
        "Partner, cyber risk",
        "VanArsdel, Ltd.",
        PACIFIC,
        "Runs ransomware tabletop exercises for boards. Presents to the CIO CoP as a guest.",
    ),
]


# --- What the meetings hold ----------------------------------------------------------


@dataclass(frozen=True)
class Talk:
    title: str
    presenter: str | None  # an email; a member, or an outsider who is invited
    minutes: int = 60
    notes: str = ""
    # Lines of the generated one-page PDF of slides; empty: no slides.
    slides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Action:
    text: str
    owner: str | None
    done: bool = False
    due_days: int = 28  # after the meeting


@dataclass(frozen=True)
class Session:
    """One meeting's content."""

    talks: tuple[Talk, ...] = ()
    summary: str = ""
    actions: tuple[Action, ...] = ()
    description: str = ""
    # (email, answer, dinner, dietary needs) for an upcoming meeting.
    answers: tuple[tuple[str, str, bool, str], ...] = ()


CIO_PAST = (  # oldest first: one session for each of the year's meetings
    Session(
        talks=(
            Talk(
                "Moving mail and files to the cloud without anyone noticing",
                "nadia.haddad@blueyonderairlines.example",
                slides=(
                    "9,000 mailboxes, 40 TB of shared drives, one summer",
                    "Pilot with the service desk first: they find the problems",
                    "Move by team, not by letter of the alphabet",
                    "Switch off the old shares or nobody moves",
                ),
            ),
            Talk(
                "Retiring the fax: what was still using it",
                "ben.carter@fourthcoffee.example",
                slides=(
                    "Eleven fax lines; two still in daily use",
                    "Pharmacy orders and one supplier's purchase orders",
                    "A secure mailbox replaced both in a month",
                ),
            ),
        ),
        summary="""\
## What we learned

- **Pilot with the service desk.** Blue Yonder moved its own service desk first; they found the calendar-sharing and shared-mailbox problems before anyone else had to.
- **Move by team, not alphabetically,** so that people who work together move together and nobody mails a colleague on the other system.
- **Switch off the old shares on a date you announce.** As long as the old drive works, people keep using it.
- **Every old line has a reason.** Fourth Coffee's fax audit found two lines still carrying orders every day; a secure mailbox replaced both.

## What members will try

- Two members will start their migrations with the service desk.
""",
        actions=(
            Action(
                "Share Blue Yonder's migration wave plan",
                "nadia.haddad@blueyonderairlines.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Zero trust without the buzzwords: where we started",
                "luis.ortega@alpineskihouse.example",
                slides=(
                    "Start with identity: one account per person, everywhere",
                    "Then devices: no unmanaged laptop reaches payroll",
                    "Then the network: the VPN is the last thing to go",
                ),
            ),
            Talk(
                "Multi-factor sign-in for 4,000 seasonal staff",
                "marcus.chen@wingtip.example",
                slides=(
                    "Staff arrive on Monday and work on Tuesday",
                    "Phone app for most, hardware keys for the shared tills",
                    "Recovery at the desk, with photo ID, in five minutes",
                ),
            ),
        ),
        summary="""\
## What we learned

- **Zero trust is a sequence, not a product:** identity first, then devices, then the network. Alpine Ski House spent its first year only on accounts, and it was the year that mattered most.
- **Seasonal staff need recovery in minutes.** Wingtip enrols 4,000 people each season; a hardware key for shared tills and a five-minute recovery at the desk with photo ID kept the queues short.
- **Vendors will sell you the network step first.** Nobody in the room regretted doing it last.

## What members will try

- List every place a person can sign in without multi-factor, before the next meeting.
""",
        actions=(
            Action(
                "Collect members' lists of sign-ins without multi-factor",
                "luis.ortega@alpineskihouse.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Budget season: defending the run budget",
                "james.obrien@wideworldimporters.example",
                slides=(
                    "Run is 70% of the budget and 5% of the conversation",
                    "Show what each service costs per user per month",
                    "Name what stops if the cut goes through",
                ),
            ),
            Talk(
                "Showback before chargeback",
                "sofia.rossi@lucernepublishing.example",
                slides=(
                    "A monthly bill per department, no money moves",
                    "Two departments cut their own licences within a quarter",
                    "Chargeback only once the numbers are trusted",
                ),
            ),
        ),
        summary="""\
## What we learned

- **Price services, not servers.** Wide World Importers shows the board what email, the warehouse system and the service desk cost per user per month; cuts are now discussed as "what stops".
- **Showback first.** Lucerne sends each department a monthly bill that moves no money. Two departments cut licences nobody used within a quarter.
- **Chargeback comes later,** once departments trust the numbers; otherwise every bill becomes an argument.

## Decisions

- We will compare our cost-per-user figures for email and the service desk, without naming vendors' prices.
""",
        actions=(
            Action(
                "Collect cost-per-user figures for email and the service desk",
                "james.obrien@wideworldimporters.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "We failed over for real: our disaster-recovery test",
                "olu.adeyemi@adventure-works.example",
                slides=(
                    "A Saturday, the whole data centre, announced a month ahead",
                    "Four hours planned, eleven taken",
                    "What broke: DNS, certificates, one forgotten licence server",
                    "Next year: twice, and unannounced for the team",
                ),
            ),
            Talk(
                "The backups nobody had restored",
                "rachel.goldberg@litware.example",
                slides=(
                    "Every backup reported success for three years",
                    "A third of them could not be restored",
                    "Monthly restore tests, with a named owner per system",
                ),
            ),
        ),
        summary="""\
## What we learned

- **Fail over for real.** Adventure Works switched its whole data centre on a Saturday; four hours planned, eleven taken. DNS, certificates and a forgotten licence server were the problems, none of them on the plan.
- **A backup is only a backup once restored.** Litware found that a third of its successful backups could not be restored. Restore tests are now monthly, with a named owner for each system.
- **Write down the order of things.** The recovery went faster the second time because someone had written the order in which systems must come up.

## What members will try

- One restore test per month, starting with the finance system.
""",
        actions=(
            Action(
                "Share Adventure Works' failover run book, with names removed",
                "olu.adeyemi@adventure-works.example",
                True,
            ),
            Action(
                "Ask members how often they test restores, for the next meeting",
                "rachel.goldberg@litware.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Growing our own: an IT apprenticeship in its second year",
                "marcus.chen@wingtip.example",
                slides=(
                    "Eight apprentices, four days working, one day studying",
                    "Each has a mentor outside their own team",
                    "Six stayed; two went to our customers",
                ),
            ),
            Talk(
                "What users actually rate in the service desk",
                "sofia.rossi@lucernepublishing.example",
                slides=(
                    "Speed matters less than being told what happens next",
                    "One person owns a ticket until it is closed",
                    "Satisfaction rose from 71% to 88% in a year",
                ),
            ),
        ),
        summary="""\
## What we learned

- **Apprentices stay when they are mentored from outside their team.** Six of Wingtip's eight first apprentices stayed; the two who left went to Wingtip's customers, which Marcus counts as a success too.
- **Users rate being told what happens next** above speed. Lucerne's satisfaction rose from 71% to 88% once one person owned each ticket until it closed.
- **Hire for curiosity;** both speakers said the same.

## Decisions

- We will share apprenticeship contacts at colleges between member companies.
""",
        actions=(
            Action(
                "Share college contacts for apprenticeships",
                "marcus.chen@wingtip.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Northwind's ERP upgrade: what we would do again",
                "maria@northwind.example",
                60,
                slides=(
                    "340 customisations re-justified by their owners; 60 kept",
                    "Five months instead of nine",
                    "One payroll run twice, on the old and the new system",
                    "Cut-over weekend checklist: 112 steps, 9 owners",
                ),
            ),
            Talk(
                "Living with a twenty-year-old ERP, and when to stop",
                "emma.walsh@cohowinery.example",
            ),
        ),
        summary="""\
## What we learned

- **Freeze the customisations, not the business.** Northwind asked the owner of each of its 340 customisations to justify it again; 60 survived, and the upgrade took five months instead of the nine planned.
- **Run payroll twice.** One full payroll on the old and the new system side by side caught rounding differences nobody had thought to test.
- **An old ERP is a people risk before it is a technology risk.** At Coho the real exposure is the two people who understand the system. Document first, replace second.

## What members will try

- Three members will ask their owners to re-justify customisations before their next upgrade.
- Emma starts with a one-page map of who knows what about the old system.
""",
        actions=(
            Action(
                "Share Northwind's cut-over checklist in the library",
                "maria@northwind.example",
                True,
            ),
            Action(
                "Introduce Emma to two members who retired an old ERP",
                "maria@northwind.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Unwinding a data-centre lease without stranding anything",
                "mei.lin@relecloud.example",
                slides=(
                    "Lease ends in 14 months; 38 racks still in use",
                    "Every system gets an owner and a destination",
                    "Three systems stay on hardware: licensing, latency, law",
                    "Sublet the cage for the last six months",
                ),
            ),
            Talk("What we moved back from the cloud, and why", "yuki.tanaka@treyresearch.example"),
        ),
        summary="""\
## What we learned

- **Give every system an owner and a destination** before you sign anything about the lease. Relecloud found three systems that must stay on hardware (licensing, latency, and one legal hold).
- **The cloud is cheaper for spiky work, not for steady work.** Trey Research moved its steady-state simulation cluster back on premises and halved the cost; the spiky analysis jobs stayed in the cloud.
- **Tag everything from day one.** Without tags nobody could say which department's bill had doubled.

## Decisions

- We will collect members' cloud tagging policies and compare them at a later meeting.
""",
        actions=(
            Action(
                "Collect members' cloud tagging policies for the library",
                "yuki.tanaka@treyresearch.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Tabletop: the first 24 hours of a ransomware attack",
                "carlos.mendes@vanarsdel.example",
                75,
                notes="Carlos Mendes of VanArsdel, invited as a guest presenter.",
                slides=(
                    "Hour 0: who may decide to pay, or not to pay?",
                    "Hour 1: where is your contact list if email is encrypted?",
                    "Hour 2: call the insurer before the forensics firm",
                    "Hour 6: what do you tell staff, customers, the press?",
                ),
            ),
            Talk(
                "Proseware's incident playbook, one year on",
                "kwame.mensah@proseware.example",
                slides=(
                    "Playbook printed and in three homes",
                    "Two tabletop exercises a year, chief executive in the room",
                    "Restores tested monthly, not yearly",
                ),
            ),
        ),
        summary="""\
## What we learned

- **Decide before the day who may authorise paying or refusing to pay.** In the tabletop nobody in the room could; it took the board, counsel and the insurer, and four hours.
- **Keep the contact list offline.** Half of us realised our call tree lives in the email system that would be encrypted. Printed copies, personal phone numbers.
- **Call the insurer first.** Many cyber policies pay only for forensic firms on their panel.
- **Rehearse twice a year, with the chief executive and communications in the room.** Proseware's second exercise took half the time of the first.

## What members will try

- Check whether our cyber policies name a forensic panel.
- Run one tabletop with our own executives before the summer.
""",
        actions=(
            Action(
                "Share the tabletop scenario with members", "kwame.mensah@proseware.example", True
            ),
            Action(
                "Check whether our cyber policies name a forensic panel and report back",
                "luis.ortega@alpineskihouse.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "What the research says about CIO succession",
                "ruth.adler@bellows.example",
                60,
                notes="Dr. Ruth Adler of Bellows College, invited as a guest presenter.",
                slides=(
                    "Most new CIOs come from outside: succession is rarely planned",
                    "Successors who rotated through a business role do better",
                    "Name two candidates, not one",
                ),
            ),
            Talk(
                "Building an IT team from scratch after a spin-off", "hannah.berg@tailspin.example"
            ),
        ),
        summary="""\
## What we learned

- **Name two possible successors, not one,** and tell them what they need to learn. Most new CIOs still come from outside because nobody planned for an inside one.
- **A year in a business role** (finance, operations) is the best predictor the research has of a successful CIO.
- **After a spin-off, hire the service desk lead first.** Hannah's first three hires were architects; she would now start with the people users meet every day.

## Decisions

- We will pair one senior manager from each company with a mentor from another member company, for a year.
""",
        actions=(
            Action(
                "Pair up senior managers for cross-company mentoring",
                "grace.kim@fabrikam.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Five numbers our board actually reads",
                "grace.kim@fabrikam.example",
                slides=(
                    "Availability of the five systems customers touch",
                    "Projects: on time, on budget, and the one that is not",
                    "Security: days to patch critical findings",
                    "Spend per employee against last year",
                    "Staff: regretted leavers",
                ),
            ),
            Talk(
                "Three acquisitions in two years: what the numbers told us",
                "arjun.mehta@adatum.example",
            ),
        ),
        summary="""\
## What we learned

- **Five numbers on one page** beat a forty-slide pack. Grace's board reads availability of customer-facing systems, project status, days to patch, spend per employee and regretted leavers.
- **Show the one project that is late,** with what you are doing about it. Boards trust a dashboard that is not all green.
- **In an acquisition, count applications and contracts in the first week.** A. Datum found 30% more software contracts than the seller had listed.

## What members will try

- A one-page board dashboard, drafted together, for the library.
""",
        actions=(
            Action(
                "Draft a one-page board dashboard template for the library",
                "grace.kim@fabrikam.example",
                False,
                60,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Why outsourcing deals go wrong in year three",
                "jordan.blake@firstup.example",
                60,
                notes="Jordan Blake of First Up Consultants, invited as a guest presenter.",
                slides=(
                    "Year one: transition. Year two: stabilise. Year three: disappointment",
                    "The people who negotiated the deal have left both sides",
                    "Service credits you never claim are not an incentive",
                    "Write the exit plan before you sign",
                ),
            ),
            Talk(
                "Renegotiating our claims-platform outsourcing",
                "david.levy@humongousinsurance.example",
            ),
        ),
        summary="""\
## What we learned

- **Year three is when deals go wrong:** the people who negotiated them have moved on, on both sides, and the contract is all that is left.
- **Service credits only work if you claim them.** Humongous Insurance had never claimed one in four years; claiming the first changed the supplier's attention within a month.
- **Write the exit plan before you sign,** including data export in open formats and the supplier's help with the transition.

## Decisions

- We will write down the contract terms we would all like to see when buying software, and bring the list to a member panel.
""",
        actions=(
            Action(
                "Start a shared list of contract terms for buying software",
                "david.levy@humongousinsurance.example",
                True,
            ),
            Action(
                "Put the contract-terms panel on a meeting agenda", "maria@northwind.example", True
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Our telecom bill, before and after: $250K a year",
                "dev@contoso.example",
                slides=(
                    "The ask: six companies answered in a week",
                    "Expense audit: 15% of the bill was errors and unused lines",
                    "Competitive bid across three carriers",
                    "Result: more than $250K saved a year",
                ),
            ),
            Talk(
                "Running a carrier RFP: our template, without the prices",
                "priya.nair@woodgrove.example",
                slides=(
                    "Same circuits, three carriers, 27% lower",
                    "Ask for exit terms and service credits you can claim",
                    "Template in the library, prices removed",
                ),
            ),
        ),
        summary="""\
## What we learned

- **Audit before you negotiate.** Contoso's telecom expense audit found 15% of the bill was billing errors and lines nobody used; the firm worked for a share of the savings.
- **Bid, do not renew.** A competitive bid across three carriers gave Woodgrove the same circuits for 27% less, and Contoso more than **$250K a year** in savings with the audit.
- **Put exit terms and claimable service credits in the contract,** or the lower price will not last.
- Replacing old PRI lines with **SIP trunking** came up again and again (Blue Yonder did it with Vendor Networks); we asked for an expert to present on the cut-over.

## What members will try

- Three members will run an expense audit before their next renewal.
- Priya's RFP template (without prices) goes into the library.
""",
        actions=(
            Action(
                "Share the carrier RFP template, without prices, in the library",
                "priya.nair@woodgrove.example",
                True,
            ),
            Action("Report back after Contoso's mobile renewal", "dev@contoso.example", False, 90),
            Action("Invite a SIP-trunking expert to present", "maria@northwind.example", True),
        ),
    ),
)

CIO_NEXT = Session(
    description=(
        "Half a day at Litware, 1–5 pm, then dinner together. Parking is free in the north lot.\n\n"
        "Two presenters: **Sam Whitaker** of Vendor Networks on SIP trunking (our guest), and "
        "a **member panel** on contract terms for buying software."
    ),
    talks=(
        Talk("Round table: one thing that worked this month", None, 30),
        Talk(
            "SIP trunking: cutting over site by site",
            SAM,
            60,
            notes=(
                "Sam Whitaker of Vendor Networks, invited as a guest presenter. Bring your "
                "questions about cut-over plans and number porting."
            ),
        ),
        Talk(
            "Member panel: contract terms for buying software",
            "david.levy@humongousinsurance.example",
            60,
            notes=(
                "David Levy with Kwame Mensah and Priya Nair. The draft list is in the "
                "conversation “Contract terms for buying software: a first draft”."
            ),
        ),
        Talk("Norms review: taking what we learn to our boards", "maria@northwind.example", 15),
    ),
    answers=(
        ("maria@northwind.example", "yes", True, ""),
        ("rachel.goldberg@litware.example", "yes", True, ""),
        ("dev@contoso.example", "yes", True, ""),
        ("grace.kim@fabrikam.example", "yes", True, "Vegetarian"),
        ("olu.adeyemi@adventure-works.example", "yes", True, "No shellfish"),
        ("kwame.mensah@proseware.example", "yes", False, ""),
        ("priya.nair@woodgrove.example", "yes", True, ""),
        ("luis.ortega@alpineskihouse.example", "yes", True, ""),
        ("james.obrien@wideworldimporters.example", "yes", True, ""),
        ("david.levy@humongousinsurance.example", "yes", True, ""),
        ("nadia.haddad@blueyonderairlines.example", "yes", True, "Halal"),
        ("mei.lin@relecloud.example", "yes", True, "Gluten-free"),
        ("arjun.mehta@adatum.example", "yes", False, ""),
        ("hannah.berg@tailspin.example", "maybe", False, ""),
        ("yuki.tanaka@treyresearch.example", "maybe", False, ""),
        ("marcus.chen@wingtip.example", "no", False, ""),
        ("sofia.rossi@lucernepublishing.example", "no", False, ""),
    ),
)

SIP_SLIDES = (
    "Why PRI lines are being retired",
    "A cut-over plan per site: porting, emergency calls, fax",
    "Run both for two weeks; move the main number last",
    "What to put in the contract: porting dates and credits",
)

# Topics the CIO CoP members nominated: (title, nominated by, area, why, votes).
CIO_TOPICS = (
    (
        "AI assistants at work: what policy did you write?",
        "rachel.goldberg@litware.example",
        "Technology",
        "Staff use them already. What did you allow, what did you forbid, and what did legal say?",
        8,
    ),
    (
        "Keeping senior engineers when every startup is hiring",
        "olu.adeyemi@adventure-works.example",
        "People",
        "We lost three of our best this year, none of them for money alone.",
        5,
    ),
    (
        "Vendor security questionnaires: one we could all accept",
        "kwame.mensah@proseware.example",
        "Processes",
        "Every supplier gets a different 300-question spreadsheet from each of us.",
        4,
    ),
    (
        "Is IT's share of revenue still a useful number?",
        "grace.kim@fabrikam.example",
        "Metrics",
        "",
        2,
    ),
)

# Willing hosts in the CIO CoP, and where they receive us. The rotation takes
# those that never hosted first, by name, then the least recent.
HOSTS = {
    "A. Datum Corporation": "A. Datum Corporation\n2500 Augustine Drive, Santa Clara, CA 95054",
    "Adventure Works": "Adventure Works\n1 Harbor Point, Redwood City, CA 94065",
    "Alpine Ski House": "Alpine Ski House, Bay Area office\n400 Castro Street, Mountain View, CA 94041",
    "Blue Yonder Airlines": "Blue Yonder Airlines, Operations Centre\n700 Airport Boulevard, Burlingame, CA 94010",
    "Coho Winery": "Coho Winery, the barrel room\n12000 Foothill Road, Saratoga, CA 95070",
    "Contoso": "Contoso\n1950 University Avenue, Palo Alto, CA 94303",
    "Fabrikam": "Fabrikam\n3000 Tasman Drive, San Jose, CA 95134",
    "Fourth Coffee": "Fourth Coffee Roastery\n88 Race Street, San Jose, CA 95126",
    "Humongous Insurance": "Humongous Insurance\n2 Park Plaza, San Mateo, CA 94403",
    "Litware": "Litware, Building C, Boardroom 3\n2400 Mission College Boulevard, Santa Clara, CA 95054",
    "Lucerne Publishing": "Lucerne Publishing\n150 Hamilton Avenue, Palo Alto, CA 94301",
    "Northwind Traders": "Northwind Traders\n100 Northwind Way, Fremont, CA 94538",
    "Proseware": "Proseware\n3500 Deer Creek Road, Palo Alto, CA 94304",
    "Relecloud": "Relecloud\n500 Terry Francois Street, San Francisco, CA 94158",
    "Tailspin Toys": "Tailspin Toys\n1600 Bridge Parkway, Redwood City, CA 94065",
    "Trey Research": "Trey Research\n3333 Coyote Hill Road, Palo Alto, CA 94304",
    "Wide World Importers": "Wide World Importers\n1 Maritime Square, Oakland, CA 94607",
    "Wingtip Toys": "Wingtip Toys\n2200 Lakeside Drive, Santa Clara, CA 95054",
    "Woodgrove Bank": "Woodgrove Bank, 12th floor\n555 California Street, San Francisco, CA 94104",
}
# Litware offered to host only once its new building opened, after the
# year's meetings had their hosts: so, as announced, it hosts the next one.
LATE_HOST = "Litware"
LATE_HOST_NOTE = "Our new building opened this spring; glad to host from now on."
DINNER_VENUES = (
    "Il Fornaio, Palo Alto",
    "Evvia Estiatorio, Palo Alto",
    "The Table, Willow Glen",
    "Nick the Greek, Santa Clara",
    "Tamarine, Palo Alto",
    "Scratch, Mountain View",
)

AO_PAST = (
    Session(
        talks=(
            Talk(
                "Change advisory boards that do not slow everything down",
                "irene.castillo@woodgrove.example",
                slides=(
                    "Standard changes pre-approved: 70% of the volume",
                    "The board meets for the risky 10%",
                    "Emergency changes reviewed within a week",
                ),
            ),
            Talk("ITIL without the bureaucracy", "peter.lindqvist@proseware.example"),
        ),
        summary="""\
## What we learned

- **Pre-approve the standard changes.** At Woodgrove 70% of changes are now standard and never reach the board; the board spends its hour on the risky 10%.
- **Review every emergency change within a week,** and ask why it could not wait.
- Proseware keeps ITIL's vocabulary and drops most of its forms.
""",
        actions=(
            Action(
                "Share Woodgrove's list of standard changes",
                "irene.castillo@woodgrove.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Four hundred applications down to 180",
                "lena.fischer@contoso.example",
                slides=(
                    "Every application gets a business owner, or it goes",
                    "Usage data beats opinions",
                    "Retire in batches of twenty, announce in advance",
                ),
            ),
            Talk(
                "Core banking upgrade: the vendor's plan against ours",
                "kofi.boateng@woodgrove.example",
            ),
        ),
        summary="""\
## What we learned

- **No owner, no application.** Contoso asked the business to name an owner for each of 400 applications; 120 had none and were retired first.
- **Usage data ends arguments.** Log-in counts over a year settled most debates about what to keep.
- **Write your own upgrade plan next to the vendor's.** Woodgrove's plan found six weeks of testing the vendor's plan had left out.
""",
        actions=(
            Action(
                "Compare application-retirement checklists",
                "lena.fischer@contoso.example",
                False,
                45,
            ),
        ),
    ),
    Session(
        talks=(
            Talk(
                "Cloud cost control in practice",
                "mateo.silva@relecloud.example",
                slides=(
                    "Tag or it gets switched off",
                    "A weekly cost review, fifteen minutes",
                    "Reserved capacity for the steady load only",
                ),
            ),
            Talk("Integration platforms: build, buy or both", "aisha.rahman@relecloud.example"),
        ),
        summary="""\
## What we learned

- **Tag or it gets switched off:** Relecloud stops untagged resources after a week's warning. Untagged spend fell from 30% to 2%.
- **A fifteen-minute weekly cost review** with the team leads does more than a monthly report.
- **Buy the integration platform, build the adapters** that are specific to your business.
""",
        actions=(
            Action("Share Relecloud's tagging policy", "mateo.silva@relecloud.example", True),
        ),
    ),
)

AO_NEXT = Session(
    talks=(
        Talk("Post-incident reviews without blame", "irene.castillo@woodgrove.example", 60),
        Talk(
            "The peak-season change freeze: what we let through",
            "elif.yilmaz@adventure-works.example",
        ),
    ),
    answers=(
        ("irene.castillo@woodgrove.example", "yes", True, ""),
        ("ana@fabrikam.example", "yes", True, "Vegetarian"),
        ("tomas.novak@fabrikam.example", "yes", True, ""),
        ("peter.lindqvist@proseware.example", "yes", True, ""),
        ("elif.yilmaz@adventure-works.example", "yes", False, ""),
        ("mateo.silva@relecloud.example", "yes", True, ""),
        ("lena.fischer@contoso.example", "maybe", False, ""),
        ("raj.iyer@northwind.example", "no", False, ""),
    ),
)
AO_HOSTS = (
    "Contoso",
    "Fabrikam",
    "Litware",
    "Northwind Traders",
    "Proseware",
    "Relecloud",
    "Woodgrove Bank",
)

DESIGN_LINK = "https://video.university.example/j/instructional-designers"

# The web conferences already held, oldest first, each about one voted topic:
# (title, nominated by, area, why, votes, summary).
DESIGN_PAST = (
    (
        "Rubrics students actually read",
        "ines.garcia@university.example",
        "Assessment",
        "Ours are two pages long and nobody reads them before handing in.",
        6,
        """\
## What we learned

- **Four criteria, not twelve.** Inés's redesigned rubrics fit on half a page; students quoted them back in their reflections.
- **Write each level as what the student did,** not as adjectives ("cites two sources", not "good use of sources").
- Show a marked example next to the rubric.
""",
    ),
    (
        "Short video: how short is short enough?",
        "zara.ahmed@northwind.example",
        "Video",
        "",
        5,
        """\
## What we learned

- **Six minutes is where viewing drops** in Northwind's analytics; most of us saw the same.
- **One idea per video,** and the title says which.
- Captions are read by far more people than need them: write them for everyone.
""",
    ),
    (
        "Asynchronous activities across time zones",
        "jack.thompson@fourthcoffee.example",
        "Learning design",
        "Half our baristas are asleep when the other half train.",
        4,
        """\
## What we learned

- **Give a week, not a time.** Fourth Coffee's discussion tasks run Monday to Sunday; participation doubled.
- **Record the live part and give it a task,** so watching later is not second best.
- Rotate the live session's time so the same people are not always up at night.
""",
    ),
)

# The backlog for the next web conferences: (title, nominated by, area, why, votes).
DESIGN_TOPICS = (
    (
        "Captioning video at scale: what is good enough?",
        "hana.sato@treyresearch.example",
        "Video",
        "Automatic captions are cheap and often wrong. Where do you draw the line?",
        7,
    ),
    (
        "Does onboarding training change anything on the job?",
        "liam.oconnor@contoso.example",
        "Evaluation",
        "We train 6,000 people a year and measure completion. What else can we measure?",
        5,
    ),
    (
        "Writing good multiple-choice distractors",
        "chloe.martin@lucernepublishing.example",
        "Assessment",
        "",
        4,
    ),
    (
        "Authoring tools that export accessible HTML",
        "tariq.aziz@tailspin.example",
        "Accessibility",
        "Follows on from the ask about screen readers.",
        3,
    ),
    (
        "xAPI in practice: what did you do with the data?",
        "ravi.kumar@adatum.example",
        "Tools",
        "",
        2,
    ),
    ("Micro-learning for shift workers", "noah.williams@wingtip.example", "Learning design", "", 1),
)
DESIGN_VOTERS = (
    "sofia.marques@university.example",
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
DESIGN_HOSTS = ("Inés García", "Zara Ahmed", "Jack Thompson", "Sofia Marques", "Liam O'Connor")

ADMIN_ROOM = "Simcoe Hall, room 214 (bring your lunch)"
ADMIN_LUNCHES = (
    Session(
        talks=(
            Talk(
                "Travel claims in the new system: what we learned the hard way",
                "karen.liu@university.example",
                30,
            ),
        ),
        summary="""\
## What we learned

- **Scan receipts the day you get them;** the new system rejects anything older than 60 days.
- Per-diem rates are now set by destination: check the table before booking.
- Karen's checklist for visiting speakers' claims is in the library.
""",
        actions=(
            Action(
                "Put the travel-claim checklist in the library",
                "karen.liu@university.example",
                True,
            ),
        ),
    ),
    Session(
        talks=(Talk("Convocation week: who books what, and when", "lee@university.example", 30),),
        summary="""\
## What we learned

- **Book rooms for convocation in September,** not in March: the big halls go first.
- One shared calendar for all faculties' receptions avoids the three-receptions-at-once problem of last year.
- Lee will keep the shared calendar this year.
""",
        actions=(
            Action("Set up the shared convocation calendar", "lee@university.example", False, 40),
        ),
    ),
)

WORKSHOP_TITLE = "Workshop: committee minutes people actually read"
WORKSHOP = Session(
    description="A hands-on hour with the minutes template Sandra adapted from Margaret's.",
    talks=(
        Talk(
            "The minutes template, section by section",
            "sandra.kowalski@university.example",
            60,
            notes="Adapted from Margaret Osei's template, with credit.",
            slides=(
                "Action items with owners and dates at the top",
                "Decisions, then discussion, then information items",
                "Records retention line at the end (thanks, Rosa)",
                "Adapted from Margaret Osei's template, with credit",
            ),
        ),
    ),
    summary="""\
## What we learned

- **Put action items first,** with an owner and a date each: that is what people open minutes for.
- **Decisions before discussion.** Most readers stop after the decisions.
- Add Rosa's records-retention line at the end.

The template is attached; it is adapted from Margaret Osei's, with credit. The Registrar's Office uses it from this term.
""",
    actions=(
        Action("Registrar's Office adopts the template", "lee@university.example", True),
        Action(
            "Offer the template to the Faculty of Engineering's committees",
            "sandra.kowalski@university.example",
            False,
            30,
        ),
    ),
)

SITE_VISIT_TITLE = "Site visit: how Engineering books visiting speakers"
SITE_VISIT = Session(
    description=(
        "Diane shows how the Faculty of Engineering books thirty visiting speakers a year: "
        "the booking desk, the shared calendar and the SOP we are rewriting together.\n\n"
        "The meeting room holds six, so places are limited: say no if you cannot come, "
        "and the first person on the waitlist gets your place."
    ),
    talks=(
        Talk(
            "Tour of the Dean's office and the booking desk",
            "sandra.kowalski@university.example",
            30,
        ),
        Talk(
            "Walk-through of the speaker-booking SOP draft", "diane.morrison@university.example", 60
        ),
    ),
    # In this order: six places, then the waitlist.
    answers=(
        ("diane.morrison@university.example", "yes", False, ""),
        ("joanne.whitfield@university.example", "yes", False, ""),
        ("sandra.kowalski@university.example", "yes", False, ""),
        ("karen.liu@university.example", "yes", False, ""),
        ("amira.hassan@university.example", "yes", False, ""),
        ("paul.nguyen@university.example", "yes", False, ""),
        ("lee@university.example", "yes", False, ""),
        ("tom.becker@university.example", "yes", False, ""),
        ("rosa.martinez@university.example", "maybe", False, ""),
    ),
)

SIDE_MEETING_TITLE = "Side meeting: the role of IT in mergers and acquisitions"

# The last lunch's summary is still a draft: two members comment on it.
ADMIN_DRAFT_COMMENTS = (
    (
        "lee@university.example",
        "Could we add the date the big halls open for booking? It was **1 September** this year.",
    ),
    (
        "karen.liu@university.example",
        "Worth saying that the receptions calendar is shared with the deans' assistants too, "
        "so they stop booking the same caterer.",
    ),
)

FEEDBACK = (
    (5, "Practical: I will use this next quarter."),
    (4, "Good examples; I would have liked more time for questions."),
    (5, "The most useful session this year."),
    (4, ""),
    (3, "Interesting, but hard to apply at our size."),
)


# --- A one-page PDF -------------------------------------------------------------------


def _ascii(text: str) -> str:
    text = text.replace("–", "-").replace("—", "-").replace("’", "'")
    text = text.replace("“", '"').replace("”", '"')
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slides_pdf(title: str, presenter: str, lines: tuple[str, ...]) -> bytes:
    """A small valid one-page PDF: the title, who presented, and the points."""

    def text(s: str) -> str:
        return _ascii(s).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = [f"BT /F1 20 Tf 60 730 Td ({text(title)}) Tj ET"]
    ops.append(f"BT /F1 12 Tf 60 700 Td ({text(presenter)}) Tj ET")
    for n, line in enumerate(lines):
        ops.append(f"BT /F1 14 Tf 72 {650 - 30 * n} Td (- {text(line)}) Tj ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 792 612] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- The loader -----------------------------------------------------------------------


def load_meetings(loader) -> None:
    """Add the demo's meetings and topics to what `loader` (loader._Loader) loaded."""
    _Meetings(loader).run()


class _Meetings:
    def __init__(self, loader):
        from copse.communities.models import Community
        from copse.core.permissions import forget_standings

        self.loader = loader
        self.now = loader.now
        self.people = loader.people
        self.organisations = loader.organisations
        # Fresh rows: norms versions and counts changed while the demo loaded.
        self.communities = {c.slug: c for c in Community.objects.all()}
        for user in self.people.values():
            forget_standings(user)

    def count(self, what: str, n: int = 1) -> None:
        for _ in range(n):
            self.loader._count(what)

    def run(self) -> None:
        self._cio()
        self._ao()
        self._admins()
        self._design()

    # --- Building blocks -----------------------------------------------------------

    def _series(
        self, community, facilitator, *, past: int | None, total: int | None = None, **fields
    ):
        """The community's series titled `fields["title"]`, created with `past`
        meetings before today (or as many as make `total` with the upcoming
        ones). Returns its meetings, soonest first."""
        from copse.meetings import recurrence, services
        from copse.meetings.models import MeetingSeries
        from copse.meetings.series import GENERATE_MONTHS_AHEAD

        series = MeetingSeries.objects.filter(community=community, title=fields["title"]).first()
        if series is None:
            zone = ZoneInfo(fields["time_zone"])
            probe = MeetingSeries(
                rrule=recurrence.build_rrule(
                    cadence=fields["cadence"], nth=fields["nth"], weekday=fields["weekday"]
                ),
                first_date=(self.now - dt.timedelta(days=800)).date(),
                start_time=fields["start_time"],
                time_zone=fields["time_zone"],
            )
            ahead = dt.timedelta(days=31 * GENERATE_MONTHS_AHEAD)
            upcoming = recurrence.occurrences(probe, after=self.now, before=self.now + ahead)
            if total is not None:
                past = total - len(upcoming)
            earlier = recurrence.occurrences(
                probe, after=self.now - dt.timedelta(days=800), before=self.now
            )
            held = earlier[len(earlier) - past :] if past else []
            first = held[0] if held else self.now
            series = services.create_series(
                actor=facilitator,
                community=community,
                first_date=first.astimezone(zone).date(),
                **fields,
            )
            # Generating from a past date puts the meetings already held on the calendar.
            cursor = first
            while cursor < self.now:
                services.generate_meetings(series=series, now=cursor)
                cursor += dt.timedelta(days=150)
            MeetingSeries.objects.filter(pk=series.pk).update(
                created_at=first - dt.timedelta(days=30)
            )
            self.count("meeting series")
            self.count("meetings", series.meetings.count())
        return list(series.meetings.select_related("community").order_by("starts_at", "id"))

    def _backdate_meeting(self, meeting) -> None:
        from copse.meetings.models import Meeting

        if meeting.starts_at < self.now:
            Meeting.objects.filter(pk=meeting.pk).update(
                created_at=meeting.starts_at - dt.timedelta(days=40)
            )

    def _offer_hosts(self, community, facilitator, willing, note: str = "") -> None:
        from copse.meetings import services
        from copse.meetings.models import HostOffer

        for name in willing:
            organisation = self.organisations[name]
            if HostOffer.objects.filter(community=community, organisation=organisation).exists():
                continue
            services.set_host_offer(
                actor=facilitator,
                community=community,
                organisation=organisation,
                willing=True,
                note=note,
            )
            self.count("host offers")

    def _host_by_rotation(self, community, facilitator, meetings, contacts: dict) -> None:
        """Give each meeting without a host the rotation's suggestion, in date order."""
        from copse.meetings import services

        for n, meeting in enumerate(meetings):
            if meeting.host_organisation_id is not None or meeting.is_cancelled:
                continue
            host = services.suggested_host(community)
            if host is None:
                return
            services.update_meeting(
                actor=facilitator,
                meeting=meeting,
                host_organisation=host,
                host_contact=contacts.get(host.name),
                address=HOSTS.get(host.name, host.name),
                dinner_venue=DINNER_VENUES[n % len(DINNER_VENUES)]
                if meeting.format == "half_day_dinner"
                else "",
            )

    def _contacts(self, community, emails) -> dict:
        """The first listed member from each organisation: who arranges the day."""
        contacts = {}
        for email in emails:
            user = self.people[email]
            if user.organisation is not None:
                contacts.setdefault(user.organisation.name, user)
        return contacts

    def _agenda(self, meeting, facilitator, session: Session, *, topics=(), invited_days=25):
        """Put the session's talks on the agenda; outsiders are invited as guest
        presenters and accept. Returns the agenda items."""
        from copse.meetings import services

        items = []
        for n, talk in enumerate(session.talks):
            item = services.add_agenda_item(
                actor=facilitator,
                meeting=meeting,
                title=talk.title,
                minutes=talk.minutes,
                topic=topics[n] if n < len(topics) else None,
                notes=talk.notes,
            )
            self.count("agenda items")
            if talk.presenter:
                self._present(meeting, facilitator, item, talk.presenter, invited_days)
                item.refresh_from_db()
            items.append(item)
        return items

    def _present(self, meeting, facilitator, item, email: str, days_before: int):
        """Make `email` the item's presenter the way the agenda page does: a
        member (or a guest presenter already there) at once; anyone else is
        invited as a guest presenter and accepts `days_before` the meeting."""
        from copse.core.permissions import forget_standings
        from copse.meetings import services
        from copse.memberships.models import Invitation, Membership
        from copse.memberships.services import accept_invitation

        guest = self.people.get(email) or self.loader.ensure_person(
            next(p for p in EXPERTS if p.email == email)
        )
        invitation = services.invite_presenter(
            actor=facilitator,
            item=item,
            email=email,
            message=f"Would you present “{item.title}” to the {meeting.community.name}?",
        )
        if invitation is None:
            return  # a member, or already a guest presenter there
        forget_standings(guest)
        accept_invitation(
            actor=guest,
            invitation=invitation,
            accepted_norms_version=meeting.community.norms_version,
        )
        sent = min(meeting.starts_at, self.now) - dt.timedelta(days=days_before)
        accepted = sent + dt.timedelta(days=2)
        Invitation.objects.filter(pk=invitation.pk).update(created_at=sent, accepted_at=accepted)
        Membership.objects.filter(community=meeting.community, user=guest).update(
            joined_at=accepted
        )
        self.count("guest presenters")

    def _slides(self, meeting, facilitator, items, talks) -> None:
        """Each presenter shares their slides (the facilitator for those who may not)."""
        from copse.core import permissions
        from copse.meetings import services
        from copse.meetings.models import Material, Meeting

        fresh = Meeting.objects.select_related("community").get(pk=meeting.pk)
        for item, talk in zip(items, talks, strict=True):
            if not talk.slides:
                continue
            name = f"{slugify(talk.title)[:80]}.pdf"
            if Material.objects.filter(meeting=fresh, original_name=name).exists():
                continue
            presenter = item.presenter
            uploader = (
                presenter
                if presenter and permissions.can(presenter, "meeting.upload_material", fresh)
                else facilitator
            )
            pdf = slides_pdf(talk.title, presenter.name if presenter else "", talk.slides)
            material = services.upload_material(
                actor=uploader,
                meeting=fresh,
                uploaded_file=SimpleUploadedFile(name, pdf, content_type="application/pdf"),
                agenda_item=item,
            )
            uploaded = min(meeting.ends_at, self.now - dt.timedelta(hours=1))
            Material.objects.filter(pk=material.pk).update(created_at=uploaded)
            self.count("materials")

    def _attendance(self, meeting, facilitator, members, *, skip: int, absent: int, keep=()):
        """Record who came: `absent` members stay away, one who said yes does
        not come; `skip` turns the choice each meeting."""
        from copse.meetings import services
        from copse.meetings.models import Meeting, Rsvp

        keep = {u.pk for u in keep if u is not None}
        rotated = [m for m in members if m.pk not in keep]
        rotated = rotated[skip % len(rotated) :] + rotated[: skip % len(rotated)]
        away = {u.pk for u in rotated[:absent]}
        no_show = rotated[absent].pk if len(rotated) > absent else None
        # Answers to a past meeting cannot be given through the RSVP service any
        # more, so the yeses of those who were expected are written directly.
        expected = [user for user in members if user.pk not in away]
        for user in expected:
            Rsvp.objects.get_or_create(
                meeting=meeting, user=user, defaults={"answer": "yes", "place": "going"}
            )
        Meeting.objects.filter(pk=meeting.pk).update(
            going_count=Rsvp.objects.filter(meeting=meeting, place="going").count()
        )
        for user in expected:
            services.record_attendance(
                actor=facilitator, meeting=meeting, user=user, attended=user.pk != no_show
            )
            self.count("RSVPs")

    def _feedback(self, meeting, items, skip: int) -> None:
        from copse.meetings import services
        from copse.meetings.models import PresentationFeedback, Rsvp

        came = list(
            Rsvp.objects.filter(meeting=meeting, attended=True)
            .select_related("user")
            .order_by("user__display_name")
        )
        now = self.now
        for n, item in enumerate(items):
            if item.presenter_id is None:
                continue
            givers = [r.user for r in came if r.user_id != item.presenter_id]
            for k in range(min(3, len(givers))):
                giver = givers[(skip + n * 3 + k * 5) % len(givers)]
                usefulness, comment = FEEDBACK[(skip + n + k) % len(FEEDBACK)]
                feedback = services.give_feedback(
                    actor=giver, item=item, usefulness=usefulness, comment=comment
                )
                PresentationFeedback.objects.filter(pk=feedback.pk).update(
                    created_at=min(meeting.ends_at + dt.timedelta(hours=2 + k), now)
                )

    def _publish(self, meeting, facilitator, summary: str) -> None:
        from copse.library.models import ItemVersion, LibraryItem
        from copse.meetings import services
        from copse.meetings.models import Meeting
        from copse.topics.models import Topic

        services.save_summary_draft(actor=facilitator, meeting=meeting, markdown=summary)
        services.publish_summary(actor=facilitator, meeting=meeting)
        published = min(meeting.ends_at + dt.timedelta(days=3), self.now)
        Meeting.objects.filter(pk=meeting.pk).update(summary_published_at=published)
        # Publishing filed the record in the library, with its slides: then too.
        records = LibraryItem.objects.filter(meeting=meeting, kind="meeting_record")
        records.update(created_at=published, updated_at=published)
        ItemVersion.objects.filter(item__in=records).update(created_at=published)
        Topic.objects.filter(agenda_items__meeting=meeting, status="covered").update(
            status_changed_at=published
        )
        self.count("meeting records")

    def _draft(self, meeting, facilitator, summary: str, comments) -> None:
        """The summary written as a draft, and members' comments on it."""
        from copse.meetings import services
        from copse.meetings.models import SummaryComment

        services.save_summary_draft(actor=facilitator, meeting=meeting, markdown=summary)
        for n, (email, body) in enumerate(comments):
            comment = services.comment_on_summary(
                actor=self.people[email], meeting=meeting, body=body
            )
            SummaryComment.objects.filter(pk=comment.pk).update(
                created_at=min(meeting.ends_at + dt.timedelta(days=2, hours=3 * n), self.now)
            )
            self.count("summary comments")

    def _share_feedback_with_guests(self, meetings, facilitator) -> None:
        """After the latest meeting a guest presented at, the facilitator shares
        the feedback on their talk with them."""
        from copse.meetings import services
        from copse.meetings.models import AgendaItem

        for meeting in reversed(meetings):
            item = (
                AgendaItem.objects.filter(
                    meeting=meeting,
                    presenter__memberships__community=meeting.community,
                    presenter__memberships__role="guest_presenter",
                    feedback__isnull=False,
                )
                .select_related("meeting__community", "presenter")
                .distinct()
                .first()
            )
            if item is None:
                continue
            if item.feedback_shared_at is None:
                services.share_feedback(actor=facilitator, item=item, shared=True)
                AgendaItem.objects.filter(pk=item.pk).update(
                    feedback_shared_at=min(meeting.ends_at + dt.timedelta(days=4), self.now)
                )
                self.count("feedback shared with presenters")
            return

    def _send_delegate(self, meeting, principal: str, delegate: str) -> None:
        """A member on leave sends their delegate to the meeting in their place."""
        from copse.meetings import services
        from copse.meetings.models import Rsvp

        delegate_user = self.people[delegate]
        if Rsvp.objects.filter(meeting=meeting, user=delegate_user).exists():
            return
        services.send_delegate(
            actor=self.people[principal], meeting=meeting, delegate=delegate_user
        )
        self.count("RSVPs")

    def _actions(self, meeting, facilitator, actions) -> None:
        from copse.meetings import services
        from copse.meetings.models import ActionItem

        for action in actions:
            owner = self.people.get(action.owner) if action.owner else None
            due = (meeting.starts_at + dt.timedelta(days=action.due_days)).date()
            item = services.add_action_item(
                actor=facilitator, meeting=meeting, text=action.text, owner=owner, due_on=due
            )
            if action.done:
                services.set_action_item_done(actor=facilitator, item=item, done=True)
            done_at = min(meeting.ends_at + dt.timedelta(days=action.due_days - 5), self.now)
            ActionItem.objects.filter(pk=item.pk).update(
                created_at=min(meeting.ends_at, self.now),
                done_at=done_at if action.done else None,
            )
            self.count("action items")

    def _answers(self, meeting, answers) -> None:
        from copse.meetings import services

        for email, answer, dinner, dietary in answers:
            services.rsvp(
                actor=self.people[email],
                meeting=meeting,
                answer=answer,
                dinner=dinner,
                dietary_needs=dietary,
            )
            self.count("RSVPs")

    def _hold(
        self, meeting, facilitator, session: Session, members, n: int, *, topics=(), publish=True
    ):
        """A meeting that took place: agenda, slides, attendance, feedback, the
        published record (or, with `publish` false, its draft) and its action items."""
        if session.description:
            from copse.meetings import services

            services.update_meeting(
                actor=facilitator, meeting=meeting, description=session.description
            )
        items = self._agenda(meeting, facilitator, session, topics=topics)
        # Presenters, the host and the facilitator are there, whoever else is away.
        there = [item.presenter for item in items] + [meeting.host_contact, facilitator]
        self._attendance(meeting, facilitator, members, skip=n * 3, absent=3, keep=there)
        self._slides(meeting, facilitator, items, session.talks)
        self._feedback(meeting, items, n)
        if session.summary and publish:
            self._publish(meeting, facilitator, session.summary)
        elif session.summary:
            self._draft(meeting, facilitator, session.summary, ADMIN_DRAFT_COMMENTS)
        self._actions(meeting, facilitator, session.actions)
        self._backdate_meeting(meeting)

    def _seated(self, community, facilitator, emails):
        return [facilitator] + [self.people[e] for e in emails]

    def _nominate(self, community, specs, *, days_ago: int) -> list:
        """Nominate the topics and vote for them; returns them in `specs` order."""
        from copse.topics import services
        from copse.topics.models import Topic

        topics = []
        for n, (title, by, area, why, votes) in enumerate(specs):
            topic = Topic.objects.filter(community=community, title=title).first()
            if topic is None:
                topic = services.nominate(
                    actor=self.people[by], community=community, title=title, why=why, area=area
                )
                voters = self._voters(community, by, n)
                for voter in voters[:votes]:
                    services.vote(actor=voter, topic=topic)
                    self.count("topic votes")
                Topic.objects.filter(pk=topic.pk).update(
                    created_at=self.now - dt.timedelta(days=days_ago, hours=5 * n)
                )
                self.count("topics")
            topics.append(topic)
        return topics

    def _voters(self, community, nominated_by: str, n: int) -> list:
        """Members who may vote, the nominator first, the rest turned by `n`."""
        from copse.core import permissions
        from copse.memberships.models import Membership

        seated = [
            m.user
            for m in Membership.objects.filter(
                community=community, status="active", role__in=("member", "facilitator")
            )
            .select_related("user")
            .order_by("pk")
        ]
        seated = [u for u in seated if permissions.can(u, "community.nominate_topic", community)]
        first = [u for u in seated if u.email == nominated_by]
        rest = [u for u in seated if u.email != nominated_by]
        k = (n * 3) % len(rest) if rest else 0
        return first + rest[k:] + rest[:k]

    # --- The CIO CoP -------------------------------------------------------------------

    def _cio(self) -> None:
        from copse.meetings.models import Meeting

        community = self.communities[CIO]
        maria = self.people["maria@northwind.example"]
        meetings = self._series(
            community,
            maria,
            past=CIO_RECORDS,
            title="Monthly meeting",
            cadence="monthly",
            nth=2,
            weekday="TH",
            start_time=dt.time(13, 0),
            duration_minutes=240,
            time_zone=PACIFIC,
            format="half_day_dinner",
        )
        held = [m for m in meetings if m.starts_at <= self.now]
        coming = [m for m in meetings if m.starts_at > self.now]
        contacts = self._contacts(community, [maria.email, *CIO_MEMBERS])
        self._offer_hosts(community, maria, willing=[name for name in HOSTS if name != LATE_HOST])
        self._host_by_rotation(community, maria, held, contacts)
        self._offer_hosts(community, maria, willing=[LATE_HOST], note=LATE_HOST_NOTE)
        self._host_by_rotation(community, maria, coming, contacts)
        members = self._seated(community, maria, CIO_MEMBERS)
        meetings = [
            Meeting.objects.select_related("community", "host_contact").get(pk=m.pk)
            for m in meetings
        ]
        held = meetings[: len(held)]
        coming = meetings[len(held) :]
        sessions = CIO_PAST[-len(held) :] if held else ()
        for n, (meeting, session) in enumerate(zip(held, sessions, strict=True)):
            if meeting.agenda_items.exists():
                continue
            # Every half day opens with the round table, then the two presenters.
            session = replace(session, talks=(CIO_NEXT.talks[0], *session.talks))
            self._hold(meeting, maria, session, members, n)
        self._share_feedback_with_guests(held, maria)
        topics = self._nominate(community, CIO_TOPICS, days_ago=24)
        if coming and not coming[0].agenda_items.exists():
            self._next_cio(coming[0], maria)
        if len(coming) > 1 and not coming[1].agenda_items.exists():
            top = topics[0]
            self._agenda(
                coming[1],
                maria,
                Session(talks=(Talk(top.title, top.proposed_by.email, 60),)),
                topics=[top],
            )
            self._answers(
                coming[1],
                [(e, "yes", True, "") for e in (maria.email, *CIO_MEMBERS[:6])],
            )

    def _next_cio(self, meeting, maria) -> None:
        """The next meeting, as announced: Litware hosts, Sam Whitaker presents
        SIP trunking as a guest, members hold a panel on contract terms."""
        from copse.meetings import services
        from copse.meetings.models import Meeting

        services.update_meeting(actor=maria, meeting=meeting, description=CIO_NEXT.description)
        # Sam was invited three weeks ago, when the meeting was announced.
        items = self._agenda(meeting, maria, CIO_NEXT, invited_days=20)
        self._answers(meeting, CIO_NEXT.answers)
        fresh = Meeting.objects.select_related("community").get(pk=meeting.pk)
        sam_item = next(item for item in items if item.presenter and item.presenter.email == SAM)
        talk = Talk(sam_item.title, SAM, slides=SIP_SLIDES)
        self._slides(fresh, maria, [sam_item], [talk])

    # --- The Applications/Operations CoP --------------------------------------------------

    def _ao(self) -> None:
        from copse.meetings import services
        from copse.meetings.models import Meeting

        community = self.communities[AO]
        irene = self.people["irene.castillo@woodgrove.example"]
        emails = [seat.email for spec in COMMUNITIES if spec.slug == AO for seat in spec.seats]
        meetings = self._series(
            community,
            irene,
            past=len(AO_PAST),
            title="Half-day meeting",
            cadence="bimonthly",
            nth=3,
            weekday="WE",
            start_time=dt.time(13, 0),
            duration_minutes=240,
            time_zone=PACIFIC,
            format="half_day_dinner",
        )
        self._offer_hosts(community, irene, willing=AO_HOSTS)
        self._host_by_rotation(
            community, irene, meetings, self._contacts(community, [irene.email, *emails])
        )
        meetings = [
            Meeting.objects.select_related("community", "host_contact").get(pk=m.pk)
            for m in meetings
        ]
        held = [m for m in meetings if m.starts_at <= self.now]
        coming = [m for m in meetings if m.starts_at > self.now]
        members = self._seated(community, irene, emails)
        for n, (meeting, session) in enumerate(zip(held, AO_PAST[-len(held) :], strict=True)):
            if not meeting.agenda_items.exists():
                self._hold(meeting, irene, session, members, n)
        if coming and not coming[0].agenda_items.exists():
            self._agenda(coming[0], irene, AO_NEXT)
            self._answers(coming[0], AO_NEXT.answers)
        # A member's unofficial side meeting, as announced in the conversations.
        if not Meeting.objects.filter(community=community, title=SIDE_MEETING_TITLE).exists():
            claire = self.people["claire.dubois@litware.example"]
            start = self._local(self.now + dt.timedelta(days=16), dt.time(15, 0), PACIFIC)
            side = services.create_meeting(
                actor=claire,
                community=community,
                kind="side",
                title=SIDE_MEETING_TITLE,
                description=(
                    "An afternoon with the IT team of a company that has made forty "
                    "acquisitions: how IT joins the deal early, and identity and email on "
                    "day one. Not an official CoP meeting; every member is welcome."
                ),
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2, minutes=30),
                time_zone=PACIFIC,
                format="in_person",
                address=HOSTS["Litware"],
            )
            self.count("meetings")
            self._answers(
                side,
                [
                    ("claire.dubois@litware.example", "yes", False, ""),
                    ("ana@fabrikam.example", "yes", False, ""),
                    ("tomas.novak@fabrikam.example", "yes", False, ""),
                    ("mateo.silva@relecloud.example", "yes", False, ""),
                ],
            )

    # --- The Administrators' CoP ---------------------------------------------------------

    def _admins(self) -> None:
        from copse.meetings import services
        from copse.meetings.models import Meeting

        community = self.communities[ADMINS]
        joanne = self.people["joanne.whitfield@university.example"]
        emails = [
            seat.email
            for spec in COMMUNITIES
            if spec.slug == ADMINS
            for seat in spec.seats
            if seat.status == "active"
        ]
        members = self._seated(community, joanne, emails)
        meetings = self._series(
            community,
            joanne,
            past=len(ADMIN_LUNCHES),
            title="Lunch hour",
            cadence="monthly",
            nth=3,
            weekday="TU",
            start_time=dt.time(12, 0),
            duration_minutes=60,
            time_zone=EASTERN_CANADA,
            format="in_person",
        )
        held = [m for m in meetings if m.starts_at <= self.now]
        for meeting in meetings:
            if not meeting.address:
                services.update_meeting(actor=joanne, meeting=meeting, address=ADMIN_ROOM)
        for n, (meeting, session) in enumerate(zip(held, ADMIN_LUNCHES[-len(held) :], strict=True)):
            if not meeting.agenda_items.exists():
                # The latest lunch's summary is still a draft that members comment on.
                last = n == len(held) - 1
                self._hold(meeting, joanne, session, members, n, publish=not last)
        coming = [m for m in meetings if m.starts_at > self.now]
        if coming:
            # Margaret is on leave: Tom, her delegate, goes to the next lunch for her.
            self._send_delegate(
                coming[0], "margaret.osei@university.example", "tom.becker@university.example"
            )

        engineering = self.organisations["Faculty of Engineering"]
        if not Meeting.objects.filter(community=community, title=WORKSHOP_TITLE).exists():
            day = self._weekday(self.now - dt.timedelta(days=52), 2)
            start = self._local(day, dt.time(13, 0), EASTERN_CANADA)
            workshop = services.create_meeting(
                actor=joanne,
                community=community,
                kind="workshop",
                title=WORKSHOP_TITLE,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1, minutes=30),
                time_zone=EASTERN_CANADA,
                format="in_person",
                address="Centre for Teaching and Learning, room 110",
            )
            self.count("meetings")
            self._hold(workshop, joanne, WORKSHOP, members, 1)

        if not Meeting.objects.filter(community=community, title=SITE_VISIT_TITLE).exists():
            day = self._weekday(self.now + dt.timedelta(days=10), 3)
            start = self._local(day, dt.time(10, 0), EASTERN_CANADA)
            visit = services.create_meeting(
                actor=joanne,
                community=community,
                kind="site_visit",
                title=SITE_VISIT_TITLE,
                description=SITE_VISIT.description,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                time_zone=EASTERN_CANADA,
                format="in_person",
                host_organisation=engineering,
                host_contact=self.people["diane.morrison@university.example"],
                address="Faculty of Engineering, Dean's office\nGalbraith Building, room 301",
                capacity=6,
                rsvp_deadline=start - dt.timedelta(days=2),
            )
            self.count("meetings")
            self._agenda(visit, joanne, SITE_VISIT)
            self._answers(visit, SITE_VISIT.answers)

    # --- The instructional designers ------------------------------------------------------

    def _design(self) -> None:
        from copse.meetings import services
        from copse.topics.selectors import proposed_topics

        community = self.communities[DESIGN]
        sofia = self.people["sofia.marques@university.example"]
        meetings = self._series(
            community,
            sofia,
            past=len(DESIGN_PAST),
            title="Monthly web conference",
            cadence="monthly",
            nth=1,
            weekday="WE",
            start_time=dt.time(11, 0),
            duration_minutes=60,
            time_zone=EASTERN_CANADA,
            format="online",
        )
        held = [m for m in meetings if m.starts_at <= self.now]
        hosts = DESIGN_HOSTS[-len(held) - 2 :] if held else DESIGN_HOSTS[-2:]
        for n, meeting in enumerate(meetings):
            if meeting.web_link:
                continue
            host = hosts[n] if n < len(hosts) else "to be chosen: volunteer in the conversations"
            services.update_meeting(
                actor=sofia,
                meeting=meeting,
                web_link=DESIGN_LINK,
                description=(
                    f"Host: {host}. One hour on the topics members voted for; join from "
                    "anywhere. The recording and notes go into the meeting record."
                ),
            )
        members = [self.people[e] for e in DESIGN_VOTERS]  # Sofia first
        past_specs = DESIGN_PAST[-len(held) :] if held else ()
        for n, (meeting, spec) in enumerate(zip(held, past_specs, strict=True)):
            if meeting.agenda_items.exists():
                continue
            title, by, area, why, votes, summary = spec
            days_ago = (self.now - meeting.starts_at).days + 20
            (topic,) = self._nominate(community, [(title, by, area, why, votes)], days_ago=days_ago)
            session = Session(talks=(Talk(title, by, 45),), summary=summary)
            self._hold(meeting, sofia, session, members, n, topics=[topic])
        self._nominate(community, DESIGN_TOPICS, days_ago=8)
        coming = [m for m in meetings if m.starts_at > self.now]
        if coming and not coming[0].agenda_items.exists():
            # The agenda is what the members voted for: the two topics at the top
            # of the backlog, presented by who nominated them.
            top = list(proposed_topics(sofia, community).select_related("proposed_by")[:2])
            session = Session(talks=tuple(Talk(t.title, t.proposed_by.email, 25) for t in top))
            self._agenda(coming[0], sofia, session, topics=top)
            self._answers(
                coming[0],
                [(e, "yes", False, "") for e in DESIGN_VOTERS[:7]]
                + [(DESIGN_VOTERS[8], "maybe", False, "")],
            )

    # --- Dates -------------------------------------------------------------------

    @staticmethod
    def _weekday(moment: dt.datetime, weekday: int) -> dt.date:
        """The first date on or after `moment` that falls on `weekday` (0 = Monday)."""
        day = moment.date()
        return day + dt.timedelta(days=(weekday - day.weekday()) % 7)

    @staticmethod
    def _local(day, clock: dt.time, zone: str) -> dt.datetime:
        if isinstance(day, dt.datetime):
            day = day.date()
        return dt.datetime.combine(day, clock).replace(tzinfo=ZoneInfo(zone))
