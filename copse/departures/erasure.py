"""What an account deletion does to each app's rows, one function per app.

Read with docs/your-data.md, which says the same for the people concerned.
Two kinds of thing are here:

- what the person *is* to Copse (addresses, settings, answers only they
  saw, what they were reading or drafting): `forget_*`, for both choices;
- what they *wrote* for others: `remove_*`, only when they chose to remove
  it. Left alone, it stays under their closed account, which reads "Former
  member".

Every function runs inside the deletion's transaction and before the
account row is anonymised (`former` holds who the person was until then).
Files are deleted from storage only once the transaction commits. Versions
that keep rendered pages are raised where a change must show at once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from copse.core.markdown import render_markdown

log = logging.getLogger("copse.departures")

# What a removed text reads as, where a row must keep a text.
REMOVED_TEXT = "Removed by its author."
# A thread's title, when its opener removed what they wrote: others' replies
# keep a heading that says nothing of what it was.
REMOVED_TITLE = "Title removed by its author"


@dataclass
class Former:
    """Who the person was, read before the account is anonymised."""

    user: object
    name: str
    addresses: set[str]
    community_ids: set[int] = field(default_factory=set)
    files: list = field(default_factory=list)  # (storage, name) to delete after commit

    def delete_files_after_commit(self) -> None:
        files = list(self.files)

        def delete():
            for storage, name in files:
                try:
                    storage.delete(name)
                except OSError as exc:
                    # The row is gone either way; an orphan file is found by
                    # the storage's own housekeeping, never served by URL.
                    log.warning("file of a closed account not deleted: %s", type(exc).__name__)

        if files:
            transaction.on_commit(delete)


def _keep_file(former: Former, field_file) -> None:
    if field_file:
        former.files.append((field_file.storage, field_file.name))


# --- Conversations -------------------------------------------------------------


def forget_conversations(former: Former) -> None:
    from copse.conversations.models import CommunityVisit, Draft, ReadState, Subscription, Thread

    user = former.user
    Draft.objects.filter(user=user).delete()
    ReadState.objects.filter(user=user).delete()
    Subscription.objects.filter(user=user).delete()
    CommunityVisit.objects.filter(user=user).delete()
    # The thread pages' cached posts show the author's name: render them again.
    Thread.objects.filter(Q(posts__author=user) | Q(author=user)).update(version=F("version") + 1)


def remove_conversations(former: Former) -> None:
    """Each post they wrote becomes a tombstone ("Removed by the author.")
    with no text, history or files. A thread they opened keeps others'
    replies under a neutral title; one that holds nothing of anyone else's
    is removed whole."""
    from copse.conversations import search_index
    from copse.conversations.models import Post, PostAttachment, PostRevision, Thread

    user, now = former.user, timezone.now()
    posts = Post.objects.filter(author=user)
    post_ids = list(posts.values_list("pk", flat=True))
    for attachment in PostAttachment.objects.filter(post__author=user):
        _keep_file(former, attachment.file)
    PostAttachment.objects.filter(post__author=user).delete()
    PostRevision.objects.filter(post__author=user).delete()
    posts.filter(removed_at__isnull=True).update(removed_at=now, removed_by=user, removal_reason="")
    posts.update(body="", body_html="")
    search_index.unindex_posts(post_ids)

    others_wrote = Post.objects.filter(thread=OuterRef("pk"), removed_at__isnull=True).exclude(
        author=user
    )
    opened = Thread.objects.filter(author=user)
    opened.update(title=REMOVED_TITLE, summary="", summary_updated_at=None)
    opened.filter(~Exists(others_wrote), removed_at__isnull=True).update(
        removed_at=now, removed_by=user, removal_reason="Removed by the author"
    )
    Thread.objects.filter(Q(posts__author=user) | Q(author=user)).update(version=F("version") + 1)


# --- Mail ------------------------------------------------------------------------


def forget_mail(former: Former) -> int:
    """Reply and answer addresses stop (the token version moves on), queued
    mail is dropped unsent, and no address of theirs stays in the outbox or
    in what came in. Returns how many queued messages were cancelled."""
    from copse.mailing import services as mailing_services
    from copse.mailing.models import CommunityDelivery, HeldMessage, InboundMessage, OutgoingMessage

    user = former.user
    mailing_services.revoke_tokens(user=user)
    CommunityDelivery.objects.filter(user=user).delete()
    cancelled = OutgoingMessage.objects.filter(
        recipient=user, state=OutgoingMessage.State.QUEUED
    ).update(state=OutgoingMessage.State.DROPPED, last_error="the account was deleted")
    OutgoingMessage.objects.filter(recipient=user).update(to_address="")
    HeldMessage.objects.filter(user=user).delete()
    # The whole message each post by mail came from (its headers name the
    # sender) is kept for its author alone: there is no author any more.
    from_them = Q(user=user)
    for address in former.addresses:
        from_them |= Q(sender__iexact=address)
    InboundMessage.objects.filter(from_them).update(sender="", raw="")
    return cancelled


# --- Meetings --------------------------------------------------------------------


def forget_meetings(former: Former) -> None:
    """Answers to meetings still to come become "no" through the meetings
    service, so a place frees and the waitlist moves on; notes on dinner and
    diet are forgotten everywhere."""
    from copse.core.errors import UserFacingError
    from copse.meetings import services as meeting_services
    from copse.meetings import versions
    from copse.meetings.models import Rsvp

    user = former.user
    upcoming = Rsvp.objects.filter(
        user=user, meeting__ends_at__gt=timezone.now(), answer__in=["yes", "maybe"]
    ).select_related("meeting__community")
    for answer in upcoming:
        try:
            meeting_services.rsvp(actor=user, meeting=answer.meeting, answer="no")
        except UserFacingError:
            # A cancelled meeting, or a standing that may no longer answer:
            # the place is given up below all the same.
            Rsvp.objects.filter(pk=answer.pk).update(place="", waitlisted_at=None, answer="no")
    mine = Rsvp.objects.filter(user=user)
    versions.changed_where(mine.values("meeting_id"))
    mine.update(dinner_note="", dietary_needs="", dinner=False)


def remove_meetings(former: Former) -> None:
    """Their comments on summary drafts, their words of feedback to
    presenters, and the files they uploaded as meeting materials."""
    from copse.meetings import versions
    from copse.meetings.models import AgendaItem, Material, PresentationFeedback, SummaryComment

    user = former.user
    comments = SummaryComment.objects.filter(author=user)
    versions.changed_where(comments.values("meeting_id"))
    comments.update(body=REMOVED_TEXT, body_html=render_markdown(REMOVED_TEXT))
    feedback = PresentationFeedback.objects.filter(author=user)
    versions.changed_where(
        AgendaItem.objects.filter(pk__in=feedback.values("agenda_item_id")).values("meeting_id")
    )
    feedback.update(comment="")
    # One by one: the meetings' search index and versions follow deletes.
    for material in Material.objects.filter(uploaded_by=user):
        _keep_file(former, material.file)
        material.delete()


# --- Library ---------------------------------------------------------------------


def forget_library_credit(former: Former) -> None:
    """Credit is copied text ("by Maria Lopez, Northwind"), so it is
    rewritten: the item credits a former member, without organisation, and
    so does the credit an adaptation carries ("…, who adapted work by Maria
    Lopez, Northwind"), where each credited person is one whole part."""
    from copse.accounts.models import FORMER_MEMBER
    from copse.library.models import ItemAuthor, LibraryItem

    credited = ItemAuthor.objects.filter(person=former.user)
    parts = {str(author) for author in credited} | ({former.name} if former.name else set())
    credited.update(name=FORMER_MEMBER, organisation=None, organisation_name="")
    if not former.name:
        return
    # A part starts the credit or follows " and " or "work by ", and ends it
    # or comes before " and " or ", who adapted": "Al" never matches "Alice".
    alternatives = "|".join(re.escape(part) for part in sorted(parts, key=len, reverse=True))
    pattern = re.compile(
        rf"(?:^|(?<= and )|(?<=work by ))(?:{alternatives})(?=$| and |, who adapted)"
    )
    for item in LibraryItem.objects.filter(adapted_credit__contains=former.name).only(
        "pk", "adapted_credit"
    ):
        credit = pattern.sub(FORMER_MEMBER, item.adapted_credit)
        if credit != item.adapted_credit:
            LibraryItem.objects.filter(pk=item.pk).update(adapted_credit=credit)


def remove_library(former: Former) -> None:
    """Items only they are credited with are removed, with every version's
    text and file; items written with others stay (they are the others'
    too), crediting a former member. Notes on their re-uses go."""
    from copse.library import search_index
    from copse.library.models import ItemAuthor, ItemVersion, LibraryItem, PostLibraryLink, Reuse

    user = former.user
    others = ItemAuthor.objects.filter(item=OuterRef("pk")).exclude(person=user)
    theirs = (
        LibraryItem.objects.filter(Q(authors__person=user) | Q(created_by=user, authors=None))
        # A meeting's record belongs to the meeting; its credit is rewritten.
        .exclude(kind=LibraryItem.Kind.MEETING_RECORD)
        .filter(~Exists(others))
        .distinct()
    )
    item_ids = list(theirs.values_list("pk", flat=True))
    for version in ItemVersion.objects.filter(item_id__in=item_ids).exclude(file=""):
        _keep_file(former, version.file)
    ItemVersion.objects.filter(item_id__in=item_ids).update(
        body_markdown="",
        body_html="",
        extracted_text="",
        file="",
        original_name="",
        change_note="",
    )
    LibraryItem.objects.filter(pk__in=item_ids).update(
        title=REMOVED_TITLE,
        description="",
        link_url="",
        adapted_credit="",
        sharing=LibraryItem.Sharing.COMMUNITY,
        public_token="",
    )
    LibraryItem.objects.filter(pk__in=item_ids, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    search_index.unindex_items(item_ids)
    Reuse.objects.filter(person=user).update(note="")
    PostLibraryLink.objects.filter(post__author=user).delete()


# --- Value -----------------------------------------------------------------------


def forget_value(former: Former) -> None:
    from copse.value.models import TimeEstimate, ValuePrompt

    ValuePrompt.objects.filter(user=former.user).delete()
    TimeEstimate.objects.filter(user=former.user).delete()


def remove_value(former: Former) -> None:
    """Their stories are removed as the author would remove one (the row
    stays, read by nobody, counted in no total), and their words go."""
    from copse.value.models import ValueStory

    stories = ValueStory.objects.filter(author=former.user)
    stories.filter(removed_at__isnull=True).update(removed_at=timezone.now())
    stories.update(title=REMOVED_TITLE, story="", risk_avoided="")


# --- Decisions, topics, projects -------------------------------------------------


def remove_decisions(former: Former) -> None:
    """Their reasons for a position (the position itself stays: it was part
    of how the community decided), their answers to others' positions, their
    comments on amendments and why they proposed one, their reasons for
    nominating a peer."""
    from copse.decisions.models import (
        Amendment,
        AmendmentComment,
        PeerNomination,
        Position,
        PositionReply,
    )

    user = former.user
    Position.objects.filter(user=user).update(reason="")
    PositionReply.objects.filter(author=user).update(body=REMOVED_TEXT)
    AmendmentComment.objects.filter(author=user).update(body=REMOVED_TEXT)
    Amendment.objects.filter(proposed_by=user).update(note="")
    PeerNomination.objects.filter(nominated_by=user).update(reason="")


def remove_topics(former: Former) -> None:
    """Why they put a topic forward. The title stays: agendas and records
    name it. Saved one by one, so the topics' search index follows."""
    from copse.topics.models import Topic

    for topic in Topic.objects.filter(proposed_by=former.user).exclude(why=""):
        topic.why = ""
        topic.save(update_fields=["why"])


def remove_projects(former: Former) -> None:
    """Their comments on sections. What they wrote into a section stays: it
    is the community's document, written together."""
    from copse.projects.models import SectionComment

    SectionComment.objects.filter(author=former.user).update(
        body=REMOVED_TEXT, body_html=render_markdown(REMOVED_TEXT)
    )


# --- What they were to others, and what others wrote to them ---------------------


def forget_profile(former: Former) -> None:
    """What they said about themselves (expertise, experience), what was
    addressed to them alone (notifications, nudges), their visits, the
    organisation requests only site administrators read, and the lists of
    people to invite they uploaded."""
    from copse.expertise.models import Experience, Expertise
    from copse.health.models import Nudge
    from copse.home.models import HomeVisit
    from copse.member_imports.models import MemberImport
    from copse.notifications.models import Notification
    from copse.organisations.models import OrganisationRequest

    user = former.user
    Expertise.objects.filter(person=user).delete()
    Experience.objects.filter(person=user).delete()
    Notification.objects.filter(user=user).delete()
    Nudge.objects.filter(member=user).delete()
    HomeVisit.objects.filter(user=user).delete()
    OrganisationRequest.objects.filter(user=user).delete()
    # Lists of others' addresses they uploaded to invite, not sent yet.
    MemberImport.objects.filter(uploaded_by=user).delete()


def forget_calendar(former: Former) -> None:
    from copse.calendars.services import revoke_feed

    revoke_feed(former.user)


def forget_requests_and_invitations(former: Former) -> None:
    """A waiting request to join is withdrawn (with the admission proposal
    about it, through the memberships service); notes written with any
    request go. Invitations to their addresses stop working and forget the
    address."""
    from copse.accounts.services import closed_address
    from copse.memberships import services as membership_services
    from copse.memberships.models import Invitation, JoinRequest

    user = former.user
    for waiting in JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING):
        membership_services.withdraw_request(actor=user, join_request=waiting)
    JoinRequest.objects.filter(user=user).update(note="")
    invitations = Invitation.objects.filter(email__in=former.addresses)
    former.community_ids.update(invitations.values_list("community_id", flat=True))
    invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    for invitation in invitations.only("pk"):
        Invitation.objects.filter(pk=invitation.pk).update(email=closed_address(), message="")


def forget_in_audit(former: Former) -> int:
    """The audit log names people through its actor and subject, which
    follow the account (now "Former member"); some entries also copied a
    name or an address into their detail (who invited whom, for whom a
    delegate reads). Those values are replaced; nothing else of an entry
    changes. Returns how many entries changed."""
    from copse.accounts.models import FORMER_MEMBER
    from copse.audit.models import AuditEntry

    user = former.user
    needles = {address.casefold() for address in former.addresses}
    if former.name:
        needles.add(former.name.casefold())
    entries = AuditEntry.objects.filter(
        Q(actor=user)
        | Q(subject=user)
        | Q(community_id__in=former.community_ids)
        | Q(community__isnull=True)
    ).only("pk", "detail")
    changed = 0
    for entry in entries.iterator(chunk_size=2000):
        detail, touched = _without(entry.detail, needles, FORMER_MEMBER)
        if touched:
            AuditEntry.objects.filter(pk=entry.pk).update(detail=detail)
            changed += 1
    return changed


def _without(value, needles: set[str], replacement: str):
    """`value` with every string equal to a needle (ignoring case) replaced."""
    if isinstance(value, str):
        return (replacement, True) if value.strip().casefold() in needles else (value, False)
    if isinstance(value, dict):
        touched = False
        result = {}
        for key, inner in value.items():
            result[key], hit = _without(inner, needles, replacement)
            touched = touched or hit
        return result, touched
    if isinstance(value, list):
        pairs = [_without(inner, needles, replacement) for inner in value]
        return [p[0] for p in pairs], any(p[1] for p in pairs)
    return value, False
