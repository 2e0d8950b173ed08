"""A confidential CIO community with something of every kind in it, the
people around it in every standing, and a second community whose
facilitator must get nothing of the first.

Texts that only some may read carry a marker (`SECRET`, `PRIVATE_STORY`,
…) that tests look for in the raw bytes of an archive."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations

SECRET = "Telecom costs are out of control"
EARLIER_TEXT = "Our carrier bill doubled last quarter"
REMOVED_WORDS = "Phone the vendor's founder on a Sunday"
DIETARY = "No shellfish, please"
FEEDBACK = "Clear and useful, thank you Sam"
PRIVATE_STORY = "What Dev alone saved on carriers"
PRIYA_STORY = "Priya's private story about her budget"
PULSE_ANSWER = "We trust each other more than last year"
OPEN_PULSE_ANSWER = "This pulse is still open"
MARIA_NUDGE = "Maria misses you in our conversations"
OMAR_NUDGE = "Omar hopes to see you at the next meeting"
PEER_EMAIL = "peer.nominee@elsewhere.example"
ELSEWHERE_SECRET = "Fabrikam merger plans"
CSV_BYTES = b"carrier,saving\nVendor Networks,27%\n"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def export_folder(settings, tmp_path):
    settings.COPSE_EXPORT_DIR = tmp_path / "exports"
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.COPSE_EXPORT_DIR


@dataclass
class World:
    community: object
    elsewhere: object
    people: dict
    thread: object
    meeting: object
    item: object


def _past_meeting(community, organiser, title: str):
    from copse.meetings.models import Meeting

    starts = timezone.now() - dt.timedelta(days=10)
    return Meeting.objects.create(
        community=community,
        title=title,
        description="The carriers, and dinner after.",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        address="Litware, 1 Main Street",
        organiser=organiser,
    )


def _library_item(community, author):
    from copse.library.models import ItemAuthor, ItemVersion, LibraryItem

    item = LibraryItem.objects.create(
        community=community,
        kind="template",
        title="Carrier RFP template",
        created_by=author,
        updated_at=timezone.now(),
    )
    ItemAuthor.objects.create(item=item, person=author, name=author.name)
    version = ItemVersion(
        item=item, number=1, created_by=author, original_name="rfp.csv", content_type="text/csv"
    )
    version.file.save("rfp.csv", ContentFile(CSV_BYTES), save=False)
    version.size = len(CSV_BYTES)
    version.save()
    LibraryItem.objects.filter(pk=item.pk).update(version_count=1)
    return item


def _pulses(community, people):
    from copse.pulses.models import Pulse, PulseAnswer, Respondent

    today = timezone.localdate()
    closed = Pulse.objects.create(
        community=community,
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=40),
        respondent_count=5,
        repeat_every_months=0,
    )
    for n in range(1, 6):
        PulseAnswer.objects.create(
            pulse=closed,
            statement_1=n,
            statement_2=n,
            statement_3=n,
            statement_4=n,
            statement_5=n,
            open_answer=PULSE_ANSWER if n == 4 else "",
        )
    Respondent.objects.create(pulse=closed, user=people["member"])
    still_open = Pulse.objects.create(
        community=community,
        opens_on=today - dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=10),
        respondent_count=1,
        repeat_every_months=0,
    )
    PulseAnswer.objects.create(
        pulse=still_open,
        statement_1=3,
        statement_2=3,
        statement_3=3,
        statement_4=3,
        statement_5=3,
        open_answer=OPEN_PULSE_ANSWER,
    )
    Respondent.objects.create(pulse=still_open, user=people["member"])


def _decisions(community, people):
    from copse.decisions.models import (
        DateAnswer,
        DateOption,
        DatePoll,
        PeerNomination,
        Position,
        Proposal,
    )

    proposal = Proposal.objects.create(
        community=community,
        proposed_by=people["facilitator"],
        title="Meet quarterly instead of monthly",
        body="Fewer, longer meetings.",
        deadline=timezone.now() + dt.timedelta(days=7),
    )
    Position.objects.create(
        proposal=proposal, user=people["member"], stance="block", reason="Monthly keeps us close."
    )
    poll = DatePoll.objects.create(
        community=community, proposed_by=people["facilitator"], title="When in May?"
    )
    option = DateOption.objects.create(poll=poll, starts_at=timezone.now() + dt.timedelta(days=30))
    DateAnswer.objects.create(option=option, user=people["member"], answer="yes")
    PeerNomination.objects.create(
        community=community,
        nominated_by=people["member"],
        name="Pat Peer",
        email=PEER_EMAIL,
        reason="Runs a carrier review every year.",
    )


def _value_and_notes(community, people):
    from copse.health.models import Nudge
    from copse.value.models import ValueStory

    ValueStory.objects.create(
        community=community,
        author=people["member"],
        cycle="realised",
        title=PRIVATE_STORY,
        story="Between the two of us and the facilitators.",
        sharing="private",
    )
    ValueStory.objects.create(
        community=community,
        author=people["priya"],
        cycle="applied",
        title=PRIYA_STORY,
        story="Only Priya and the facilitators read this.",
        sharing="private",
    )
    ValueStory.objects.create(
        community=community,
        author=people["facilitator"],
        cycle="immediate",
        title="Good to be in the room",
        story="Shared with everyone.",
        sharing="community",
    )
    Nudge.objects.create(
        community=community,
        member=people["member"],
        sent_by=people["facilitator"],
        body=MARIA_NUDGE,
    )
    Nudge.objects.create(
        community=community, member=people["priya"], sent_by=people["omar"], body=OMAR_NUDGE
    )


@pytest.fixture
def world(db) -> World:
    from copse.meetings.models import AgendaItem, Material, PresentationFeedback, Rsvp
    from copse.norms.models import NormsAcceptance, NormsVersion
    from copse.topics.models import Topic, TopicVote

    community = testing.make_community(
        slug="cio", name="CIO CoP", visibility="confidential", listed=False
    )
    elsewhere = testing.make_community(
        slug="ao", name="A/O CoP", visibility="confidential", listed=False
    )
    people = {
        "facilitator": testing.make_user("maria@northwind.example", name="Maria Lopez"),
        "omar": testing.make_user("omar@litware.example", name="Omar Facilitator"),
        "member": testing.make_user("dev@contoso.example", name="Dev Patel"),
        "priya": testing.make_user("priya@fabrikam.example", name="Priya Member"),
        "delegate": testing.make_user("tom@contoso.example", name="Tom Delegate"),
        "guest": testing.make_user("sam@vendor.example", name="Sam Guest"),
        "former": testing.make_user("fred@former.example", name="Fred Former"),
        "outsider": testing.make_user("olive@outside.example", name="Olive Outsider"),
        "site_admin": testing.make_site_admin(email="ada@copse.example", name="Ada Admin"),
        "other_facilitator": testing.make_user("ana@fabrikam.example", name="Ana Elsewhere"),
    }
    testing.seat(community, people["facilitator"], role="facilitator")
    testing.seat(community, people["omar"], role="facilitator")
    principal = testing.seat(community, people["member"])
    testing.seat(community, people["priya"])
    testing.seat(community, people["delegate"], role="delegate", principal=principal)
    testing.seat(community, people["guest"], role="guest_presenter")
    testing.seat(community, people["former"], status="left")
    testing.seat(elsewhere, people["other_facilitator"], role="facilitator")
    conversations.start_thread(
        actor=people["other_facilitator"],
        community=elsewhere,
        kind="discussion",
        title=ELSEWHERE_SECRET,
        body="Not for anyone else.",
    )

    thread = conversations.start_thread(
        actor=people["member"],
        community=community,
        kind="ask",
        title=SECRET,
        body=EARLIER_TEXT,
        tag_names=["telecom"],
    )
    opening = thread.posts.get(position=0)
    conversations.edit_post(actor=people["member"], post=opening, body="Our bill doubled.")
    conversations.post_reply(
        actor=people["facilitator"],
        thread=thread,
        body=f"We switched. {SECRET}.",
        files=[SimpleUploadedFile("costs.csv", CSV_BYTES, content_type="text/csv")],
    )
    removed = conversations.post_reply(actor=people["member"], thread=thread, body=REMOVED_WORDS)
    conversations.remove_post(actor=people["facilitator"], post=removed, reason="Not here.")

    meeting = _past_meeting(community, people["facilitator"], "March meeting at Litware")
    item = AgendaItem.objects.create(
        meeting=meeting, position=1, title="Carrier contracts", presenter=people["guest"]
    )
    Rsvp.objects.create(
        meeting=meeting, user=people["member"], answer="yes", place="going", dietary_needs=DIETARY
    )
    PresentationFeedback.objects.create(
        agenda_item=item, author=people["member"], usefulness=5, comment=FEEDBACK
    )
    material = Material(
        meeting=meeting,
        uploaded_by=people["facilitator"],
        original_name="slides.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )
    material.file.save("slides.pdf", ContentFile(PDF_BYTES), save=False)
    material.save()

    topic = Topic.objects.create(
        community=community, title="Carrier benchmarks", proposed_by=people["member"], vote_count=2
    )
    TopicVote.objects.create(topic=topic, user=people["member"])
    TopicVote.objects.create(topic=topic, user=people["facilitator"])
    norms = NormsVersion.objects.create(
        community=community, number=1, body="What is said here stays here.", published_by=None
    )
    NormsAcceptance.objects.create(version=norms, user=people["member"])

    _pulses(community, people)
    _decisions(community, people)
    _value_and_notes(community, people)
    library_item = _library_item(community, people["member"])
    return World(
        community=community,
        elsewhere=elsewhere,
        people=people,
        thread=thread,
        meeting=meeting,
        item=library_item,
    )


class Archive:
    """A downloaded archive, read with `zipfile` and `json`."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())
        # Every member's bytes, uncompressed: what a leak test searches.
        self.raw = b"\n".join(self.zip.read(name) for name in sorted(self.names))

    def json(self, name: str):
        return json.loads(self.zip.read(name))

    def read(self, name: str) -> bytes:
        return self.zip.read(name)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
