"""The demo's libraries: what each community keeps and re-uses.

The Administrators' CoP holds Margaret's visiting-speaker template (filed by
their facilitator while she is on leave), adapted by Karen for the
Department of Chemistry with credit and shared with everyone signed in to
the site; Sofia adapted that into the instructional designers' library, so a
chain of three shows what each reader may see of it. Amira and Diane
re-used Margaret's template and said how many hours it saved. The CIO CoP
allows sharing for its contract-terms work: Maria's clause checklist is
public by link. Every community has a few more items, some with a second
version to compare, one with a file per version.

Everything goes through the library's services (and the communities' for
the facilitators' sharing switch), as members would; only the times are
then set back. Idempotent: an item is looked up by its community and title.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

CIO = "sv-cio-cop"
AO = "sv-ao-cop"
ADMINS = "administrators-cop"
DESIGN = "instructional-design"

SPEAKER_TEMPLATE = "Visiting speaker template"
SPEAKER_V1 = """\
# Visiting speaker: what to send and when

## Six weeks before
- Confirm the date, the room and the audience in one email.
- Ask for a title, a two-line abstract and a short biography.

## Four weeks before
- Book travel and a hotel; send the itinerary.

## On the day
- Meet the speaker at the front desk; have a visitor badge ready.
- Test the projector and the microphone before they arrive.
"""
SPEAKER_V2 = SPEAKER_V1.replace(
    "- Book travel and a hotel; send the itinerary.\n",
    "- Book travel and a hotel; send the itinerary.\n"
    "- Send the honoraria form and the tax form, with who signs them.\n",
)

CHEMISTRY_V2 = SPEAKER_V2 + (
    "\n## Chemistry only\n"
    "- Book the lab safety induction if the speaker visits a lab.\n"
    "- Ask about allergies for the department lunch.\n"
)
WEB_CONFERENCE = """\
# Guest speaker checklist for web conferences

- Send the link, a dial-in number and the host's phone number a week before.
- Rehearse screen sharing and captions ten minutes before the start.
- Record only with the speaker's written agreement.
- Send the recording and the thank-you note the same day.
"""

MINUTES_V1 = """\
# Committee minutes

**Committee:** … **Date:** … **Chair:** … **Minutes:** …

## Action items
| What | Who | By when |
|---|---|---|

## Decisions

## Discussion, by agenda item
"""
MINUTES_V2 = MINUTES_V1 + "\n## Records\nFiled under the committee's retention schedule, item …\n"

CONTRACT_TERMS_V1 = """\
# Best-practice software contract terms

What members ask for when buying software, fair to buyers and sellers.

- Price protection on renewal: increases capped at the CPI or 5%.
- Data returned in an open format within 30 days of the end of the contract.
- Service levels with credits paid without being claimed.
"""
CONTRACT_TERMS_V2 = CONTRACT_TERMS_V1 + (
    "- Termination for convenience after the first year, with 90 days' notice.\n"
)
CLAUSE_CHECKLIST_V1 = b"""Software contract clause checklist
[ ] Renewal price cap
[ ] Data return format and deadline
[ ] Service credits
"""
CLAUSE_CHECKLIST_V2 = CLAUSE_CHECKLIST_V1 + b"[ ] Termination for convenience\n[ ] Audit rights\n"
TELECOM_CHECKLIST = b"""item,what to check,typical finding
1,Lines nobody uses,5-8% of lines
2,Billing errors against the contract,3-10% of the bill
3,Pooled mobile data,unused allowances
4,PRI lines still in service,replace with SIP trunking
"""
INCIDENT_REVIEW = """\
# Blameless post-incident review

Chaired by someone outside the team involved.

1. What happened, minute by minute (facts only).
2. What made each decision seem right at the time?
3. What would have made the right thing easier?
4. Actions, each with an owner and a date.
"""
ACCESSIBILITY_SCRIPT = """\
# Testing an authoring tool's HTML export with a screen reader

1. Export a short course with a quiz, an image and a video.
2. Run the export through an automated checker; note every error.
3. Navigate it with NVDA and VoiceOver, keyboard only.
4. Check the quiz can be answered without a mouse.
"""


def load_library(loader) -> None:
    """Add the demo's library items to what `loader` (loader._Loader) loaded."""
    _Library(loader).run()


class _Library:
    def __init__(self, loader):
        from copse.communities.models import Community

        self.loader = loader
        self.now = loader.now
        self.people = loader.people
        self.communities = {c.slug: c for c in Community.objects.all()}

    def person(self, email: str):
        from copse.core.permissions import forget_standings

        user = self.people[email]
        forget_standings(user)
        return user

    def existing(self, slug: str, title: str):
        from copse.library.models import LibraryItem

        return LibraryItem.objects.filter(community=self.communities[slug], title=title).first()

    def thread(self, slug: str, title: str):
        from copse.conversations.models import Thread

        return Thread.objects.filter(community=self.communities[slug], title=title).first()

    def backdate(self, item, days: float, *, versions=()) -> None:
        """Set the item's times `days` ago, and its later versions' after."""
        from copse.library.models import ItemVersion, LibraryItem

        created = self.now - timedelta(days=days)
        last = created
        ItemVersion.objects.filter(item=item, number=1).update(created_at=created)
        for number, later in enumerate(versions, start=2):
            last = self.now - timedelta(days=later)
            ItemVersion.objects.filter(item=item, number=number).update(created_at=last)
        LibraryItem.objects.filter(pk=item.pk).update(created_at=created, updated_at=last)

    def allow_sharing(self, slug: str, facilitator: str) -> None:
        from copse.communities.services import update_settings

        community = self.communities[slug]
        community.refresh_from_db()
        if not community.library_sharing_allowed:
            update_settings(
                actor=self.person(facilitator), community=community, library_sharing_allowed=True
            )
        self.communities[slug] = community

    def create(self, slug: str, title: str, *, actor: str, **fields):
        """The item, created by `actor` if the community has none of that title."""
        from copse.library import services

        item = self.existing(slug, title)
        if item is not None:
            return item, False
        item = services.create_item(
            actor=self.person(actor), community=self.communities[slug], title=title, **fields
        )
        self.loader._count("library items")
        return item, True

    def revise(self, item, actor: str, **fields) -> None:
        from copse.library import services

        services.add_version(actor=self.person(actor), item=item, **fields)

    def run(self) -> None:
        self._admins()
        self._cio()
        self._ao()
        self._design()

    # --- The Administrators' CoP -------------------------------------------------------

    def _admins(self) -> None:
        from copse.library import services

        self.allow_sharing(ADMINS, "joanne.whitfield@university.example")
        margaret = self.people["margaret.osei@university.example"]
        # Margaret is on leave, so the facilitator files her template, credited to her.
        template, new = self.create(
            ADMINS,
            SPEAKER_TEMPLATE,
            actor="joanne.whitfield@university.example",
            kind="template",
            description=(
                "Everything to send a visiting speaker, and when: the checklist Margaret "
                "has used in the Office of the President for years."
            ),
            topic_areas=["Travel and events"],
            tag_names=["Speakers", "Templates"],
            body=SPEAKER_V1,
            authors=[margaret],
        )
        if new:
            self.revise(
                template,
                "joanne.whitfield@university.example",
                body=SPEAKER_V2,
                change_note="Added the honoraria and tax forms, as Margaret asked",
            )
            self.backdate(template, 300, versions=[200])

        chemistry, new = self.existing(ADMINS, "Visiting speaker template (Chemistry)"), False
        if chemistry is None:
            chemistry = services.adapt_item(
                actor=self.person("karen.liu@university.example"),
                item=template,
                community=self.communities[ADMINS],
                title="Visiting speaker template (Chemistry)",
                description=(
                    "Margaret's template with what a chemistry department adds: the lab "
                    "safety induction and lunch allergies."
                ),
                tag_names=["Speakers", "Templates"],
            )
            self.revise(
                chemistry,
                "karen.liu@university.example",
                body=CHEMISTRY_V2,
                change_note="Lab safety induction and allergies",
            )
            self.backdate(chemistry, 150, versions=[148])
            self.loader._count("library items")
            new = True
        if new:
            services.share_item(
                actor=self.person("karen.liu@university.example"),
                item=chemistry,
                sharing="site",
                confirmed=True,
            )
            self._reuse(
                template,
                "amira.hassan@university.example",
                "Used it for the Centre's spring speaker series: four speakers, no forgotten forms.",
                "3",
                days=60,
            )
            self._reuse(
                template,
                "diane.morrison@university.example",
                "The starting point for Engineering's speaker SOP rewrite.",
                "2",
                days=5,
            )

        minutes, new = self.create(
            ADMINS,
            "Committee minutes template",
            actor="sandra.kowalski@university.example",
            kind="template",
            description="Action items with owners and dates at the top.",
            topic_areas=["Meetings and minutes"],
            tag_names=["Templates"],
            body=MINUTES_V1,
            source_thread=self.thread(
                ADMINS, "Is there a template for committee minutes we can all use?"
            ),
        )
        if new:
            self.revise(
                minutes,
                "sandra.kowalski@university.example",
                body=MINUTES_V2,
                change_note="Records-retention line at the end, as Rosa suggested",
            )
            self.backdate(minutes, 20, versions=[18])

    def _reuse(self, item, email: str, note: str, hours: str, *, days: float) -> None:
        from copse.library import services
        from copse.library.models import Reuse

        reuse = services.record_reuse(
            actor=self.person(email), item=item, note=note, hours_saved=Decimal(hours)
        )
        Reuse.objects.filter(pk=reuse.pk).update(created_at=self.now - timedelta(days=days))
        self.loader._count("re-uses")

    # --- The CIO CoP -----------------------------------------------------------------------

    def _cio(self) -> None:
        from copse.library import services

        maria = "maria@northwind.example"
        # Contract terms fair to buyers and sellers are meant to travel.
        self.allow_sharing(CIO, maria)
        terms, new = self.create(
            CIO,
            "Best-practice software contract terms",
            actor=maria,
            kind="page",
            description="The terms members ask for, agreed at the spring meetings.",
            topic_areas=["Relationships", "Processes"],
            tag_names=["Contracts"],
            body=CONTRACT_TERMS_V1,
        )
        if new:
            self.revise(
                terms,
                maria,
                body=CONTRACT_TERMS_V2,
                change_note="Termination for convenience, after the June meeting",
            )
            self.backdate(terms, 90, versions=[30])

        checklist, new = self.create(
            CIO,
            "Software contract clause checklist",
            actor=maria,
            kind="template",
            description="A checklist to take into a software negotiation. Share it freely.",
            topic_areas=["Processes"],
            tag_names=["Contracts"],
            uploaded_file=SimpleUploadedFile(
                "contract-clauses.txt", CLAUSE_CHECKLIST_V1, content_type="text/plain"
            ),
        )
        if new:
            self.revise(
                checklist,
                maria,
                uploaded_file=SimpleUploadedFile(
                    "contract-clauses.txt", CLAUSE_CHECKLIST_V2, content_type="text/plain"
                ),
                change_note="Termination and audit rights",
            )
            self.backdate(checklist, 80, versions=[29])
            services.share_item(
                actor=self.person(maria), item=checklist, sharing="public", confirmed=True
            )

        audit, new = self.create(
            CIO,
            "Telecom expense audit checklist",
            actor="dev@contoso.example",
            kind="template",
            description="What the outside audit checked, with what it usually finds.",
            topic_areas=["Technology", "Metrics"],
            tag_names=["Telecom", "Vendor Networks"],
            uploaded_file=SimpleUploadedFile(
                "telecom-audit-checklist.csv", TELECOM_CHECKLIST, content_type="text/csv"
            ),
            source_thread=self.thread(
                CIO, "Telecom costs are out of control: who has switched carriers?"
            ),
        )
        if new:
            self.backdate(audit, 60)
            self._reuse(
                audit,
                "grace.kim@fabrikam.example",
                "Ran it before our renewal: two unused circuits and a billing error.",
                "6",
                days=20,
            )

        guide, new = self.create(
            CIO,
            "Vendor Networks: SIP trunking buyer's guide",
            actor="dev@contoso.example",
            kind="link",
            description="The vendor's own guide; useful for the questions to ask.",
            tag_names=["SIP trunking", "Vendor Networks"],
            link_url="https://vendornetworks.example/guides/sip-trunking",
        )
        if new:
            self.backdate(guide, 40)

    # --- The Applications/Operations CoP ------------------------------------------------

    def _ao(self) -> None:
        review, new = self.create(
            AO,
            "Blameless post-incident review template",
            actor="irene.castillo@woodgrove.example",
            kind="template",
            description="The format we chair from outside the team involved.",
            topic_areas=["Operations", "Processes"],
            tag_names=["Operations"],
            body=INCIDENT_REVIEW,
            source_thread=self.thread(AO, "How do you run post-incident reviews without blame?"),
        )
        if new:
            self.backdate(review, 7)

    # --- The instructional designers (open) ---------------------------------------------

    def _design(self) -> None:
        from copse.library import services

        title = "Guest speaker checklist for web conferences"
        if self.existing(DESIGN, title) is None:
            chemistry = self.existing(ADMINS, "Visiting speaker template (Chemistry)")
            # Sofia reads Karen's adaptation because it is shared site-wide.
            adapted = services.adapt_item(
                actor=self.person("sofia.marques@university.example"),
                item=chemistry,
                community=self.communities[DESIGN],
                title=title,
                description="For speakers who join our monthly web conference.",
                tag_names=["Web conference"],
            )
            self.revise(
                adapted,
                "sofia.marques@university.example",
                body=WEB_CONFERENCE,
                change_note="Rewritten for speakers on a web conference",
            )
            self.backdate(adapted, 30, versions=[29])
            self.loader._count("library items")

        script, new = self.create(
            DESIGN,
            "Testing an authoring tool's export with a screen reader",
            actor="ravi.kumar@adatum.example",
            kind="page",
            description="What to do before you buy.",
            topic_areas=["Accessibility", "Tools"],
            tag_names=["Accessibility"],
            body=ACCESSIBILITY_SCRIPT,
            source_thread=self.thread(DESIGN, "Which authoring tool exports accessible HTML?"),
        )
        if new:
            self.backdate(script, 2)
