"""The one place that decides who may see or do what in Copse.

Every view, selector, and later every search, email, feed, export and API
endpoint asks `can(user, action, obj)` or uses the queryset helpers below.
Deny by default: an action not listed here is refused for everyone.

Vocabulary
- *seated*: an active or on-leave membership in a reading role (member,
  facilitator, delegate). Seated people read a community's content.
- *guest presenter*: an outside expert or vendor invited to present. They see
  only the meetings they present at: logistics, their own agenda items and
  their own materials; no member list, conversations, topics or library.
- *seat*: the only key to a `members` or `confidential` community. It comes
  from exactly one of: accepting an invitation (in the role it names, used
  up by any way in; used, withdrawn and expired ones give nothing), a
  facilitator approving a join request, joining an open community, or a site
  admin seating the first facilitator of a community that has none
  (`community.seat_first_facilitator`). A delegate reads through their
  principal's seat, appointed by a facilitator (`community.appoint_delegate`).
- *site admin*: manages organisations, communities and memberships, but reads
  the content of no `members` or `confidential` community through any page.
  Never seats themselves, and never makes a community less private or easier
  to join (`community.open_up` is its facilitators').

When the viewer may not know an object exists, views answer 404 (never 403):
use `require_or_404`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

# The core is the bottom layer: it names the apps' models by label and imports no app.
from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from copse.core.statements import Compiled

security_log = logging.getLogger("copse.security")

READING_ROLES = ("member", "facilitator", "delegate")
SEATED_STATUSES = ("active", "on_leave")
# Community visibilities from least to most private.
VISIBILITIES = ("open", "members", "confidential")


def visibility_rank(visibility: str) -> int:
    """Where `visibility` sits in `VISIBILITIES`; anything unknown counts as
    the most private (deny by default)."""
    try:
        return VISIBILITIES.index(visibility)
    except ValueError:
        return len(VISIBILITIES) - 1


def stricter_visibility(*visibilities: str) -> str:
    """The most private of `visibilities`."""
    return VISIBILITIES[max(visibility_rank(v) for v in visibilities)]


def thread_visibility(thread) -> str:
    """The visibility a thread (and everything in it) is read under: the
    stricter of its floor (the most private its community has been since the
    thread began) and its community's visibility now. Making a community less
    private therefore opens only what is written afterwards."""
    return stricter_visibility(thread.visibility_floor, thread.community.visibility)


@dataclass(frozen=True)
class Standing:
    """What one person is to one community, worked out from at most one query
    per request (see `_standings`)."""

    membership: object | None = None  # Membership or None
    pending_request: bool = False
    pending_invitation: bool = False

    @property
    def role(self) -> str | None:
        m = self.membership
        if m is None:
            return None
        if m.status not in SEATED_STATUSES:
            return "former"
        return m.role

    @property
    def is_seated(self) -> bool:
        return self.role in READING_ROLES

    @property
    def is_on_leave(self) -> bool:
        """Seated, but stepped back until they come back (they read, and take
        no part)."""
        m = self.membership
        return m is not None and m.status == "on_leave"

    @property
    def is_facilitator(self) -> bool:
        m = self.membership
        return m is not None and m.status == "active" and m.role == "facilitator"

    @property
    def is_active_contributor(self) -> bool:
        m = self.membership
        return m is not None and m.status == "active" and m.role in ("member", "facilitator")


NO_STANDING = Standing()


def _is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_site_admin(user) -> bool:
    return _is_signed_in(user) and bool(user.is_staff)


def is_sponsor(user) -> bool:
    """A sponsor funds a programme and sees its aggregate report: figures
    across communities, never a word of content, never a person."""
    return _is_signed_in(user) and bool(getattr(user, "is_sponsor", False))


def _memberships_of(user_id):
    return apps.get_model("memberships", "Membership").objects.filter(user_id=user_id)


# Read on every signed-in page: compiled once (`core.statements`), as building
# the query cost ten times what running it does.
_memberships_statement = Compiled(_memberships_of, user_id=int)


def _standings(user) -> dict[int, Standing]:
    """All of the user's standings, cached on the user object for the request.

    Three small queries at most, independent of how many communities exist.
    """
    cache = getattr(user, "_copse_standings", None)
    if cache is not None:
        return cache
    Invitation = apps.get_model("memberships", "Invitation")
    JoinRequest = apps.get_model("memberships", "JoinRequest")

    memberships = {m.community_id: m for m in _memberships_statement.run(user_id=user.pk)}
    # The request's load of the user says whether there is any pending
    # request or usable invitation at all (`standing_hints`); most people
    # have neither, and their standings then cost this one query.
    requested = set()
    if getattr(user, "copse_may_have_request", True):
        requested = set(
            JoinRequest.objects.filter(user=user, status="pending").values_list(
                "community_id", flat=True
            )
        )
    # Used, withdrawn and expired invitations count for nothing.
    invited = set()
    if getattr(user, "copse_may_have_invitation", True):
        invited = set(
            Invitation.objects.usable()
            .filter(email=user.email)
            .values_list("community_id", flat=True)
        )
    cache = {
        community_id: Standing(
            membership=memberships.get(community_id),
            pending_request=community_id in requested,
            pending_invitation=community_id in invited,
        )
        for community_id in set(memberships) | requested | invited
    }
    user._copse_standings = cache
    return cache


def forget_standings(user) -> None:
    """Call after a service changed the user's memberships within a request."""
    for name in ("_copse_standings", "copse_may_have_request", "copse_may_have_invitation"):
        if hasattr(user, name):
            delattr(user, name)


def standing_hints(users: QuerySet) -> QuerySet:
    """Annotate a query of users with whether each has a pending join request
    or a usable invitation anywhere, so `_standings` can skip looking for
    them. Applied to the request's load of the user (`copse.core.viewer`)."""
    Invitation = apps.get_model("memberships", "Invitation")
    JoinRequest = apps.get_model("memberships", "JoinRequest")
    return users.annotate(
        copse_may_have_request=Exists(
            JoinRequest.objects.filter(user=OuterRef("pk"), status="pending")
        ),
        copse_may_have_invitation=Exists(
            Invitation.objects.usable().filter(email=OuterRef("email"))
        ),
    )


def seated_community_ids_of(user_ref) -> QuerySet:
    """The communities `user_ref` (a user, or an OuterRef to one) is seated
    in, as a subquery: `_seated_community_ids` for use inside a statement
    that has not loaded the user's standings."""
    Membership = apps.get_model("memberships", "Membership")
    return Membership.objects.filter(
        user=user_ref, status__in=SEATED_STATUSES, role__in=READING_ROLES
    ).values("community_id")


def standing(user, community) -> Standing:
    if not _is_signed_in(user):
        return NO_STANDING
    return _standings(user).get(community.pk, NO_STANDING)


# --- Rules ------------------------------------------------------------------
# Each rule takes (user, community, standing) and returns a bool.


def _may_view(user, community, st: Standing) -> bool:
    """Know the community exists: see its name, purpose, goals and norms."""
    if community.listed or community.visibility == "open":
        return True
    if is_site_admin(user):
        return True
    return st.is_seated or st.pending_request or st.pending_invitation


def _may_read(user, community, st: Standing) -> bool:
    """Read the community's content (conversations, library, meetings...)."""
    if community.visibility == "open":
        return True
    return st.is_seated


def _may_view_members(user, community, st: Standing) -> bool:
    if st.is_seated:
        return True
    if is_site_admin(user):
        return True  # admins manage memberships; a member list is not content
    return community.visibility == "open" and _is_signed_in(user)


def _may_read_as_seated(user, community, st: Standing) -> bool:
    """Content pushed to someone's mailbox goes to the seated only, even in an
    open community that anyone may read on the web."""
    return st.is_seated and st.membership.status == "active"


def _may_contribute(user, community, st: Standing) -> bool:
    return st.is_active_contributor and st.membership.norms_accepted >= community.norms_version


def _may_join(user, community, st: Standing) -> bool:
    if not _is_signed_in(user) or st.is_seated or st.role == "guest_presenter":
        return False
    removed = st.membership is not None and st.membership.status == "removed"
    if community.join_policy == "open" and not removed:
        return _may_view(user, community, st)
    # Invitees join through their invitation whatever the policy: joining
    # then accepts it, in the role it names, and uses it up. Someone removed
    # comes back only so (or through an approved request), never by
    # themselves through an open door.
    return st.pending_invitation


def _may_request(user, community, st: Standing) -> bool:
    return (
        _is_signed_in(user)
        and community.join_policy in ("request", "members")
        and not st.is_seated
        and not st.pending_request
        and _may_view(user, community, st)
    )


def _may_leave(user, community, st: Standing) -> bool:
    return st.is_seated or st.role == "guest_presenter"


def _may_manage(user, community, st: Standing) -> bool:
    """Settings, requests, invitations, roles and removals."""
    return st.is_facilitator or is_site_admin(user)


def _may_seat_first_facilitator(user, community, st: Standing) -> bool:
    """A community with no facilitator gets its first from a site admin (who
    never seats themselves: `memberships.services` refuses that)."""
    return is_site_admin(user)


def _is_facilitator(user, community, st: Standing) -> bool:
    # Norms and conversations are the members' own: the site operator neither
    # writes the norms nor moderates what members said.
    return st.is_facilitator


def _may_export_archive(user, community, st: Standing) -> bool:
    """The whole of a community's conversations in one file: its facilitators.
    Site admins only where the rules already let them read the content (open
    communities): an export must not open what the pages keep closed."""
    if st.is_facilitator:
        return True
    return is_site_admin(user) and _may_read(user, community, st)


def _may_view_norms_acceptance(user, community, st: Standing) -> bool:
    return st.is_facilitator


def _may_read_reasons(user, community, st: Standing) -> bool:
    """Free-text reasons someone wrote (a removal, a cancellation, a removed
    post) in a `members` or `confidential` community: its facilitators. The
    person concerned is told theirs directly. Site admins manage such a
    community but never read what its people wrote, reasons included; in an
    open community whoever manages it does."""
    if st.is_facilitator:
        return True
    return community.visibility == "open" and _may_manage(user, community, st)


def _may_share_expertise(user, community, st: Standing) -> bool:
    return st.is_seated


def _may_record_value(user, community, st: Standing) -> bool:
    """Record what taking part gave you: anyone seated and active, delegates
    included (they take part on their principal's behalf)."""
    return st.is_seated and st.membership.status == "active"


def _may_propose(user, community, st: Standing) -> bool:
    """Put a proposal to the members: any contributor, or only facilitators
    where the community's settings say so."""
    if not _may_contribute(user, community, st):
        return False
    return community.who_may_propose != "facilitators" or st.is_facilitator


def _may_nominate_peer(user, community, st: Standing) -> bool:
    return community.members_nominate_peers and _may_contribute(user, community, st)


def _may_answer_polls(user, community, st: Standing) -> bool:
    """Say when one can meet: the active seated, delegates included (they go
    to meetings in their principal's place)."""
    return st.is_seated and st.membership.status == "active"


COMMUNITY_RULES = {
    "community.view": _may_view,
    "community.read": _may_read,
    "community.view_members": _may_view_members,
    "community.contribute": _may_contribute,
    "library.add": _may_contribute,
    "project.start": _may_contribute,
    "community.join": _may_join,
    "community.request": _may_request,
    "community.leave": _may_leave,
    "community.manage": _may_manage,
    "community.invite": _may_manage,
    "community.view_audit": _may_manage,
    "community.seat_first_facilitator": _may_seat_first_facilitator,
    # Making a community less private (confidential -> members -> open) or
    # easier to join (invitation -> request -> open): its facilitators only,
    # never a site admin who is not one of them.
    "community.open_up": _is_facilitator,
    # A delegate reads through their principal's seat: facilitators appoint them.
    "community.appoint_delegate": _is_facilitator,
    "community.publish_norms": _is_facilitator,
    # Pin, lock, move and remove conversations; facilitators only, never site admins.
    "community.moderate": _is_facilitator,
    "community.view_norms_acceptance": _may_view_norms_acceptance,
    "community.read_reasons": _may_read_reasons,
    # Meetings and topics.
    "community.schedule_meetings": _is_facilitator,
    "community.organise_side_meeting": _may_contribute,
    "community.nominate_topic": _may_contribute,
    "community.manage_topics": _is_facilitator,
    # Email. How much content mail may carry is the members' decision through
    # their facilitators, never the site operator's.
    "community.set_mail_content": _is_facilitator,
    "community.receive_mail": _may_read_as_seated,
    "community.export_archive": _may_export_archive,
    # Everything the community holds in one archive (copse/exports): its
    # facilitators only. Never a site admin, even of an open community: the
    # archive holds what only facilitators read (dietary needs, feedback
    # with names, private value stories).
    "community.export_all": _is_facilitator,
    # Who knows what. What people say they know is for the people they share
    # the community with: the seated. Not its readers from outside (an open
    # community's), not its guest presenters, not the site operator.
    "community.view_knowledge_map": _may_share_expertise,
    # Where a person's expertise and experience may be shown: a community they
    # sit in, so only people who sit there too ever see it.
    "community.show_expertise": _may_share_expertise,
    # Decisions (copse/decisions): what the members decide, and how.
    "community.view_decisions": _may_read,
    "community.propose": _may_propose,
    "community.propose_dates": _may_contribute,
    "community.propose_amendment": _may_contribute,
    "community.nominate_peer": _may_nominate_peer,
    "community.decide_nominations": _is_facilitator,
    # Health (copse/health): per-person figures are for the facilitators who
    # draw out quieter members, never for the site operator; the seated see
    # the community's totals ("How we are doing").
    "community.view_health": _is_facilitator,
    "community.nudge": _is_facilitator,
    "community.view_progress": _may_share_expertise,
    # Value stories (copse/value): what taking part gave a member.
    "community.record_value": _may_record_value,
    "community.view_value": _may_share_expertise,
    # The trust pulse (copse/pulses): anonymous, so only its counts and its
    # results above the threshold are ever shown, and only to the seated.
    "community.schedule_pulse": _is_facilitator,
    "community.view_pulses": _may_share_expertise,
    # Webhooks (copse/webhooks): sending what happens in a community to
    # another system is its facilitators' choice, as what its mail carries is;
    # never the site operator's.
    "community.manage_webhooks": _is_facilitator,
}

# --- Conversation rules -------------------------------------------------------
# Each takes (user, thread, post or attachment, standing) once the community is known.


def _thread_of(obj):
    return getattr(obj, "thread", obj)


def _may_read_thread(user, obj, st: Standing) -> bool:
    """The community rule, applied at the thread's own visibility
    (`thread_visibility`): a thread written while its community was members-
    only or confidential stays for the seated after the community opens."""
    thread = _thread_of(obj)
    if not (thread_visibility(thread) == "open" or st.is_seated):
        return False
    # A removed thread stays visible (as a tombstone) to its facilitators only.
    return thread.removed_at is None or st.is_facilitator


def _may_reply(user, obj, st: Standing) -> bool:
    thread = _thread_of(obj)
    if thread.removed_at is not None:
        return False
    if not _may_contribute(user, thread.community, st):
        return False
    return not thread.locked or st.is_facilitator


def _may_edit_post(user, post, st: Standing) -> bool:
    return (
        post.removed_at is None
        and post.author_id == getattr(user, "pk", None)
        and _may_contribute(user, post.community, st)
        and post.thread.removed_at is None
    )


def _may_remove_post(user, post, st: Standing) -> bool:
    if post.removed_at is not None or post.thread.removed_at is not None:
        return False
    if st.is_facilitator:
        return True
    # Authors may withdraw what they wrote while they are still a member.
    return post.author_id == getattr(user, "pk", None) and st.is_active_contributor


def _may_moderate(user, obj, st: Standing) -> bool:
    return st.is_facilitator


def _is_asker(user, obj, st: Standing) -> bool:
    thread = _thread_of(obj)
    return (
        thread.kind == "ask"
        and thread.removed_at is None
        and thread.author_id == getattr(user, "pk", None)
        and st.is_active_contributor
    )


def _may_read_post(user, post, st: Standing) -> bool:
    return post.removed_at is None and _may_read_thread(user, post, st)


def _may_download_attachment(user, attachment, st: Standing) -> bool:
    # A file is read with its post: gone with a removed post, hidden with a hidden thread.
    return _may_read_post(user, attachment.post, st)


def _may_save_attachment_to_library(user, attachment, st: Standing) -> bool:
    """ "Save to library": whoever may download the file and add to the
    community's library (a contributor: not a delegate, a guest, a former
    member or a site admin)."""
    return _may_download_attachment(user, attachment, st) and _may_contribute(
        user, attachment.community, st
    )


def _is_author(user, post, st: Standing) -> bool:
    return _is_signed_in(user) and post.author_id == user.pk


CONVERSATION_RULES = {
    "thread.read": _may_read_thread,
    "post.read": _may_read_post,
    # Asked with a PostAttachment.
    "attachment.download": _may_download_attachment,
    "attachment.save_to_library": _may_save_attachment_to_library,
    "thread.reply": _may_reply,
    "thread.moderate": _may_moderate,
    "post.edit": _may_edit_post,
    "post.remove": _may_remove_post,
    "ask.mark_helpful": _is_asker,
    "ask.summarise": _is_asker,
    # The whole message a post was made from by mail: its author, and nobody else.
    "post.view_original": _is_author,
}


# --- Meeting and topic rules ----------------------------------------------------
# Asked with a Meeting, AgendaItem, Material or Topic; the community comes from it.


def _meeting_of(obj):
    return getattr(obj, "meeting", obj)


def _presents_at(user, meeting) -> bool:
    """The user is a presenter on this meeting's agenda (one query, cached on
    the meeting for the request)."""
    if not _is_signed_in(user):
        return False
    presenter_ids = getattr(meeting, "_copse_presenter_ids", None)
    if presenter_ids is None:
        AgendaItem = apps.get_model("meetings", "AgendaItem")

        presenter_ids = set(
            AgendaItem.objects.filter(meeting=meeting, presenter__isnull=False).values_list(
                "presenter_id", flat=True
            )
        )
        meeting._copse_presenter_ids = presenter_ids
    return user.pk in presenter_ids


def know_presenters(meeting, presenter_ids) -> None:
    """Tell the core who presents at `meeting` when the caller has already
    loaded the agenda (lists, feeds), so checks cost no query per meeting."""
    meeting._copse_presenter_ids = set(presenter_ids)


def _is_guest_presenter_of(user, meeting, st: Standing) -> bool:
    m = st.membership
    return (
        m is not None
        and m.status == "active"
        and m.role == "guest_presenter"
        and _presents_at(user, meeting)
    )


def _may_view_meeting(user, obj, st: Standing) -> bool:
    meeting = _meeting_of(obj)
    return _may_read(user, meeting.community, st) or _is_guest_presenter_of(user, meeting, st)


def _may_detail_in_outside_feed(user, obj, st: Standing) -> bool:
    """Calendar providers fetch personal feeds from outside and keep them: a
    confidential community's meeting goes there as its community's name, the
    times and a link only."""
    meeting = _meeting_of(obj)
    return meeting.community.visibility != "confidential" and _may_view_meeting(user, meeting, st)


def _may_view_whole_meeting(user, obj, st: Standing) -> bool:
    """The whole agenda with notes, attendees, materials, the summary."""
    return _may_read(user, _meeting_of(obj).community, st)


def _may_view_logistics(user, obj, st: Standing) -> bool:
    """Address and web-conference link: for the seated and the meeting's presenters."""
    meeting = _meeting_of(obj)
    return st.is_seated or _is_guest_presenter_of(user, meeting, st)


def _may_attend(user, obj, st: Standing) -> bool:
    """Who may be marked present at the door: the seated, and the meeting's
    own guest presenters (they come to present)."""
    meeting = _meeting_of(obj)
    return st.is_seated or _is_guest_presenter_of(user, meeting, st)


def _may_view_attendees(user, obj, st: Standing) -> bool:
    return st.is_seated


def _may_rsvp(user, obj, st: Standing) -> bool:
    meeting = _meeting_of(obj)
    m = st.membership
    return (
        m is not None
        and m.status == "active"
        and m.role in READING_ROLES
        and not meeting.is_cancelled
    )


def _may_send_delegate(user, obj, st: Standing) -> bool:
    """Send one's delegate in one's place: the seated, on leave too (a principal
    on leave answers through their delegate, not in person)."""
    meeting = _meeting_of(obj)
    m = st.membership
    return (
        m is not None
        and m.status in SEATED_STATUSES
        and m.role in READING_ROLES
        and not meeting.is_cancelled
    )


def _may_manage_meeting(user, obj, st: Standing) -> bool:
    meeting = _meeting_of(obj)
    if st.is_facilitator:
        return True
    # A side meeting belongs to the member who organises it.
    return (
        meeting.kind == "side"
        and meeting.organiser_id == getattr(user, "pk", None)
        and st.is_active_contributor
    )


def _may_view_dietary(user, obj, st: Standing) -> bool:
    meeting = _meeting_of(obj)
    if st.is_facilitator:
        return True
    return st.is_seated and meeting.host_contact_id == getattr(user, "pk", None)


def _may_upload_material(user, obj, st: Standing) -> bool:
    meeting = _meeting_of(obj)
    if meeting.is_cancelled:
        return False
    if _may_manage_meeting(user, meeting, st):
        return True
    if st.is_active_contributor:
        return _presents_at(user, meeting)
    return _is_guest_presenter_of(user, meeting, st)


def _may_download_material(user, material, st: Standing) -> bool:
    meeting = material.meeting
    if _may_read(user, meeting.community, st):
        return True
    # Guest presenters download only what they uploaded themselves.
    return _is_guest_presenter_of(user, meeting, st) and material.uploaded_by_id == getattr(
        user, "pk", None
    )


def _may_remove_material(user, material, st: Standing) -> bool:
    if _may_manage_meeting(user, material.meeting, st):
        return True
    return material.uploaded_by_id == getattr(user, "pk", None) and _may_upload_material(
        user, material.meeting, st
    )


def _may_give_feedback(user, obj, st: Standing) -> bool:
    from django.utils import timezone

    meeting = _meeting_of(obj)
    m = st.membership
    return (
        m is not None
        and m.status == "active"
        and m.role in READING_ROLES
        and not meeting.is_cancelled
        and meeting.starts_at <= timezone.now()
    )


def _may_comment_summary(user, obj, st: Standing) -> bool:
    meeting = _meeting_of(obj)
    return (
        not meeting.summary_is_published
        and bool(meeting.summary_markdown)
        and _may_contribute(user, meeting.community, st)
    )


def _may_facilitate(user, obj, st: Standing) -> bool:
    return st.is_facilitator


def _may_read_shared_feedback(user, item, st: Standing) -> bool:
    """Asked with an AgendaItem: its presenter, once the facilitators shared
    the feedback on it, while they are still seated or present at the meeting
    as its guest. Nobody else's presentation, and not before it is shared."""
    if item.feedback_shared_at is None or item.presenter_id is None:
        return False
    if item.presenter_id != getattr(user, "pk", None):
        return False
    return st.is_seated or _is_guest_presenter_of(user, item.meeting, st)


def _may_read_topic(user, topic, st: Standing) -> bool:
    return _may_read(user, topic.community, st)


def _may_edit_topic(user, topic, st: Standing) -> bool:
    """The nominator while it is still proposed and they may still nominate; facilitators."""
    if st.is_facilitator:
        return True
    return (
        topic.status == "proposed"
        and topic.proposed_by_id is not None
        and topic.proposed_by_id == getattr(user, "pk", None)
        and _may_contribute(user, topic.community, st)
    )


def _may_vote(user, topic, st: Standing) -> bool:
    return topic.status == "proposed" and _may_contribute(user, topic.community, st)


MEETING_RULES = {
    "meeting.view": _may_view_meeting,
    "meeting.view_whole": _may_view_whole_meeting,
    "meeting.detail_in_outside_feed": _may_detail_in_outside_feed,
    "meeting.view_logistics": _may_view_logistics,
    "meeting.view_attendees": _may_view_attendees,
    "meeting.rsvp": _may_rsvp,
    "meeting.send_delegate": _may_send_delegate,
    "meeting.manage": _may_manage_meeting,
    "meeting.view_dietary": _may_view_dietary,
    "meeting.take_attendance": _may_manage_meeting,
    "meeting.attend": _may_attend,
    "meeting.upload_material": _may_upload_material,
    "material.download": _may_download_material,
    "material.remove": _may_remove_material,
    "meeting.give_feedback": _may_give_feedback,
    "meeting.view_feedback": _may_facilitate,
    "meeting.share_feedback": _may_facilitate,
    "agenda_item.read_shared_feedback": _may_read_shared_feedback,
    "meeting.comment_summary": _may_comment_summary,
    "topic.read": _may_read_topic,
    "topic.vote": _may_vote,
    "topic.edit": _may_edit_topic,
    "topic.manage": _may_facilitate,
}


# --- Library rules ------------------------------------------------------------
# Each takes (user, item, standing in the item's community).


def library_sharing_allowed(community) -> bool:
    """Whether items of `community` may be read beyond it. An open community's
    are read by anyone anyway; a members or confidential community's only when
    its facilitators allowed it in its settings, and withdrawing that
    permission closes every such share at once."""
    return community.visibility == "open" or bool(community.library_sharing_allowed)


def _is_shared_beyond(item) -> bool:
    return item.sharing in ("site", "public") and library_sharing_allowed(item.community)


def _may_read_item(user, item, st: Standing) -> bool:
    """The community's own rule, or an author's share with everyone signed in
    (a public share includes them). A public link is checked by
    `may_read_item_by_link`, never here."""
    if item.removed_at is not None:
        return False
    if _may_read(user, item.community, st):
        return True
    return _is_signed_in(user) and _is_shared_beyond(item)


def may_read_item_by_link(item, token: str) -> bool:
    """A public link works while the item is shared publicly, its community
    allows sharing, and the token is the current one (a withdrawn share draws
    a new token the next time, so an old link never comes back)."""
    import hmac

    return (
        item.removed_at is None
        and item.sharing == "public"
        and library_sharing_allowed(item.community)
        and bool(item.public_token)
        and hmac.compare_digest(item.public_token, token or "")
    )


def _is_item_author(user, item) -> bool:
    if not _is_signed_in(user):
        return False
    if item.created_by_id == user.pk:
        return True
    # Authors are prefetched on the pages that ask; one query otherwise.
    return any(author.person_id == user.pk for author in item.authors.all())


def _may_edit_item(user, item, st: Standing) -> bool:
    """Authors who still take part, and the community's facilitators. A meeting
    record changes only through its meeting's summary."""
    if item.removed_at is not None or item.kind == "meeting_record":
        return False
    if not _may_contribute(user, item.community, st):
        return False
    return st.is_facilitator or _is_item_author(user, item)


def _may_share_item(user, item, st: Standing) -> bool:
    """Only an author decides who beyond the community reads their work, and
    only where the community allows it. An item saved from a post's file is
    the post author's work: whoever saved it does not share it for them."""
    if item.removed_at is not None or item.kind == "meeting_record":
        return False
    if not library_sharing_allowed(item.community):
        return False
    if not _may_contribute(user, item.community, st):
        return False
    if item.source_attachment_id is not None:
        return any(author.person_id == user.pk for author in item.authors.all())
    return _is_item_author(user, item)


def _may_remove_item(user, item, st: Standing) -> bool:
    if item.removed_at is not None or item.kind == "meeting_record":
        return False
    return st.is_facilitator or (
        _may_contribute(user, item.community, st) and _is_item_author(user, item)
    )


def _may_adapt_item(user, item, st: Standing) -> bool:
    """Anyone who reads an item and may add to some library. Where the
    adaptation goes is checked against that community (`library.add`)."""
    if not _is_signed_in(user) or item.kind == "meeting_record":
        return False
    if not _may_read_item(user, item, st):
        return False
    return any(st_there.is_active_contributor for st_there in _standings(user).values())


def _may_record_reuse(user, item, st: Standing) -> bool:
    return _is_signed_in(user) and _may_read_item(user, item, st)


LIBRARY_RULES = {
    "library_item.read": _may_read_item,
    "library_item.edit": _may_edit_item,
    "library_item.share": _may_share_item,
    "library_item.remove": _may_remove_item,
    "library_item.adapt": _may_adapt_item,
    "library_item.record_reuse": _may_record_reuse,
}


# --- Documentation project rules ------------------------------------------------
# Each takes (user, project or section, standing in the project's community).


def _project_of(obj):
    return getattr(obj, "project", obj)


def _may_read_project(user, obj, st: Standing) -> bool:
    return _may_read(user, obj.community, st)


def _may_write_in_project(user, obj, st: Standing) -> bool:
    """Drafting a section, or commenting on one: members who take part."""
    return _may_contribute(user, obj.community, st)


def _is_named_reviewer(user, project) -> bool:
    # Reviewers are prefetched on the pages that ask; one query otherwise.
    return any(person.pk == user.pk for person in project.reviewers.all())


def _may_review_project(user, obj, st: Standing) -> bool:
    """Approving sections: any member who takes part, or, where the project
    names reviewers, those reviewers and the facilitators."""
    if not _may_contribute(user, obj.community, st):
        return False
    project = _project_of(obj)
    if st.is_facilitator:
        return True
    return not project.reviewers.all() or _is_named_reviewer(user, project)


def _may_publish_project(user, obj, st: Standing) -> bool:
    """Publishing adds to the library in the community's name: its facilitators."""
    return st.is_facilitator and _may_contribute(user, obj.community, st)


def _may_manage_project(user, obj, st: Standing) -> bool:
    """Sections, owners, reviewers and the goal: the facilitators and whoever
    started the project, while they take part."""
    if not _may_contribute(user, obj.community, st):
        return False
    return st.is_facilitator or _project_of(obj).started_by_id == user.pk


PROJECT_RULES = {
    "project.read": _may_read_project,
    "project.edit_section": _may_write_in_project,
    "project.comment": _may_write_in_project,
    "project.review": _may_review_project,
    "project.publish": _may_publish_project,
    "project.manage": _may_manage_project,
}


# --- Decision rules ---------------------------------------------------------------
# Each takes (user, proposal / poll / amendment / nomination, standing).


def _may_read_proposal(user, proposal, st: Standing) -> bool:
    """An admission names someone who asked to join, with what they wrote:
    for the seated only, even in an open community."""
    if proposal.kind == "admission":
        return st.is_seated
    return _may_read(user, proposal.community, st)


def _may_answer_proposal(user, proposal, st: Standing) -> bool:
    """Members and facilitators answer while it is open; delegates read but
    the decision is their principal's."""
    return proposal.status == "open" and st.is_active_contributor


def _is_proposer(user, proposal) -> bool:
    return proposal.proposed_by_id is not None and proposal.proposed_by_id == user.pk


def _may_revise_proposal(user, proposal, st: Standing) -> bool:
    return proposal.status == "open" and st.is_active_contributor and _is_proposer(user, proposal)


def _may_withdraw_proposal(user, proposal, st: Standing) -> bool:
    if proposal.status != "open" or proposal.kind == "admission":
        return False
    return st.is_facilitator or (st.is_active_contributor and _is_proposer(user, proposal))


def _may_nudge(user, proposal, st: Standing) -> bool:
    return proposal.status == "open" and st.is_facilitator


def _may_decide_proposal(user, proposal, st: Standing) -> bool:
    """The facilitator rule: a facilitator decides once everyone was heard."""
    return proposal.status == "awaiting" and st.is_facilitator


def _may_write_outcome(user, proposal, st: Standing) -> bool:
    if proposal.status not in ("passed", "not_passed"):
        return False
    return st.is_facilitator or (st.is_active_contributor and _is_proposer(user, proposal))


def _may_answer_nomination(user, proposal, st: Standing) -> bool:
    return (
        proposal.kind == "facilitator"
        and proposal.status == "passed"
        and proposal.nominee_id == user.pk
        and proposal.nominee_answered_at is None
        and st.is_active_contributor
    )


def _may_read_poll(user, poll, st: Standing) -> bool:
    return _may_read(user, poll.community, st)


def _may_answer_poll(user, poll, st: Standing) -> bool:
    return poll.status == "open" and _may_answer_polls(user, poll.community, st)


def _may_decide_poll(user, poll, st: Standing) -> bool:
    """Pick the time, which creates or moves a meeting: a facilitator, or the
    proposer where the meetings app would let them do the same by hand (a
    side meeting they organise, or moving a side meeting they organise).
    Anyone may ask when people can meet; a regular meeting, a series or
    moving a meeting of the community stays the facilitators' to schedule."""
    if poll.status != "open":
        return False
    if st.is_facilitator:
        return True
    if poll.proposed_by_id is None or poll.proposed_by_id != getattr(user, "pk", None):
        return False
    if not _may_contribute(user, poll.community, st):
        return False
    if poll.purpose == "side_meeting":
        return True
    meeting = poll.meeting if poll.purpose == "move" else None
    return meeting is not None and _may_manage_meeting(user, meeting, st)


def _may_close_poll(user, poll, st: Standing) -> bool:
    """Close without a time: the proposer (while a contributor) or a facilitator."""
    if poll.status != "open":
        return False
    if st.is_facilitator:
        return True
    return (
        poll.proposed_by_id is not None
        and poll.proposed_by_id == getattr(user, "pk", None)
        and st.is_active_contributor
    )


def _may_read_amendment(user, amendment, st: Standing) -> bool:
    return _may_read(user, amendment.community, st)


def _may_comment_amendment(user, amendment, st: Standing) -> bool:
    return amendment.status == "open" and _may_contribute(user, amendment.community, st)


def _may_adopt_amendment(user, amendment, st: Standing) -> bool:
    return (
        amendment.status == "open"
        and st.is_facilitator
        and amendment.community.facilitators_adopt_amendments
    )


def _may_propose_amendment_change(user, amendment, st: Standing) -> bool:
    """Put an amendment to a norms-change proposal: its author or a facilitator."""
    if amendment.status != "open" or not _may_propose(user, amendment.community, st):
        return False
    return st.is_facilitator or amendment.proposed_by_id == user.pk


def _may_withdraw_amendment(user, amendment, st: Standing) -> bool:
    return amendment.status == "open" and (amendment.proposed_by_id == user.pk or st.is_facilitator)


def _may_read_nomination(user, nomination, st: Standing) -> bool:
    """A nominee's address and the reasons: the nominator and the facilitators."""
    if st.is_facilitator:
        return True
    return st.is_seated and nomination.nominated_by_id == user.pk


def _may_decide_nomination(user, nomination, st: Standing) -> bool:
    """Pending, or put to the members: once they answered, a facilitator sends
    the invitation (or declines) from the nomination (`decisions.nominations`)."""
    return nomination.status in ("pending", "proposed") and st.is_facilitator


DECISION_RULES = {
    "proposal.read": _may_read_proposal,
    "proposal.answer": _may_answer_proposal,
    # Answering someone's position (a block above all): anyone who may answer.
    "proposal.reply": _may_answer_proposal,
    "proposal.revise": _may_revise_proposal,
    "proposal.withdraw": _may_withdraw_proposal,
    "proposal.nudge": _may_nudge,
    "proposal.decide": _may_decide_proposal,
    "proposal.write_outcome": _may_write_outcome,
    "proposal.answer_nomination": _may_answer_nomination,
    "poll.read": _may_read_poll,
    "poll.answer": _may_answer_poll,
    "poll.decide": _may_decide_poll,
    "poll.close": _may_close_poll,
    "amendment.read": _may_read_amendment,
    "amendment.comment": _may_comment_amendment,
    "amendment.adopt": _may_adopt_amendment,
    "amendment.propose": _may_propose_amendment_change,
    "amendment.withdraw": _may_withdraw_amendment,
    "nomination.read": _may_read_nomination,
    "nomination.decide": _may_decide_nomination,
}


def _may_view_community_proposal(user, proposal) -> bool:
    """The case for a new community: its proposer and the site admins, who decide."""
    if not _is_signed_in(user):
        return False
    return is_site_admin(user) or proposal.proposed_by_id == user.pk


def _may_decide_community_proposal(user, proposal) -> bool:
    return proposal.status == "pending" and is_site_admin(user)


def _may_withdraw_community_proposal(user, proposal) -> bool:
    return proposal.status == "pending" and proposal.proposed_by_id == getattr(user, "pk", None)


# --- Value stories and trust pulses -------------------------------------------
# Each takes (user, story or pulse, standing) once the community is known.


def _may_read_value_story(user, story, st: Standing) -> bool:
    """A story is its author's: they and the community's facilitators read it
    at every sharing level; the seated read it when it is shared with the
    community (or beyond, as anonymised totals). A former member keeps
    reading their own; nobody else outside the seat does, site admins
    included."""
    if story.removed_at is not None:
        return False
    if _is_signed_in(user) and story.author_id == user.pk:
        return True
    if st.is_facilitator:
        return True
    return story.sharing != "private" and st.is_seated


def _may_edit_value_story(user, story, st: Standing) -> bool:
    return (
        story.removed_at is None
        and _is_signed_in(user)
        and story.author_id == user.pk
        and st.is_seated
    )


def _may_answer_pulse(user, pulse, st: Standing) -> bool:
    """Whether the person may answer at all; answering once is the service's
    to enforce (who has answered is stored apart from what they answered)."""
    return pulse.is_open and st.is_seated and st.membership.status == "active"


def _may_view_pulse_results(user, pulse, st: Standing) -> bool:
    """Results are shown once the pulse has closed, to the seated, and only
    when enough people answered that no answer points to anyone. Never while
    it is open: watching the figures move as people answer would tell who
    said what."""
    return st.is_seated and pulse.results_shown


def _may_manage_pulse(user, pulse, st: Standing) -> bool:
    return st.is_facilitator


VALUE_RULES = {
    "value_story.read": _may_read_value_story,
    "value_story.edit": _may_edit_value_story,
    "pulse.answer": _may_answer_pulse,
    "pulse.view_results": _may_view_pulse_results,
    "pulse.manage": _may_manage_pulse,
}


# --- Health nudges --------------------------------------------------------------
# Each takes (user, nudge, standing) once the community is known.


def _may_read_nudge(user, nudge, st: Standing) -> bool:
    """A nudge is a private note to one member: they read it while they sit
    in the community, and the facilitator who wrote it reads their own while
    they still facilitate there. Nobody else does: not the community's other
    facilitators, not a site admin."""
    if not _is_signed_in(user):
        return False
    if nudge.member_id == user.pk:
        return st.is_seated
    return nudge.sent_by_id == user.pk and st.is_facilitator


HEALTH_RULES = {"nudge.read": _may_read_nudge}


# --- Exports (copse/exports) -------------------------------------------------------
# Asked with an export, which a community's facilitator or a person asked for.


def _may_read_export(user, export) -> bool:
    """An archive is its requester's alone. A person's own data is theirs;
    a community's export holds what its facilitator read when it was made,
    nudges they wrote among it, so not even the other facilitators get it,
    and its requester only while they still facilitate there: whoever steps
    down leaves the archive behind."""
    if not _is_signed_in(user) or export.requested_by_id != user.pk:
        return False
    if export.community_id is None:
        return True
    return standing(user, export.community).is_facilitator


EXPORT_RULES = {"export.read": _may_read_export}


COMMUNITY_PROPOSAL_RULES = {
    "community_proposal.view": _may_view_community_proposal,
    "community_proposal.decide": _may_decide_community_proposal,
    "community_proposal.withdraw": _may_withdraw_community_proposal,
}


def readable_items_q(user, prefix: str = "") -> Q:
    """The "library_item.read" rule as a filter on LibraryItem (or through
    `prefix`): items of communities the user reads, and, for the signed in,
    items their authors shared beyond a community that allows it. Costs no
    query beyond the user's standings."""
    p = f"{prefix}__" if prefix else ""
    live = Q(**{f"{p}removed_at__isnull": True})
    own_rule = readable_q(user, f"{p}community")
    if not _is_signed_in(user):
        return live & own_rule
    shared = Q(**{f"{p}sharing__in": ["site", "public"]}) & (
        Q(**{f"{p}community__visibility": "open"})
        | Q(**{f"{p}community__library_sharing_allowed": True})
    )
    return live & (own_rule | shared)


def may_link_item(user, item, community) -> bool:
    """Whether `user` may link `item` under a post in `community`: an item
    they may read, of that community or shared beyond its own (so the link
    never points the community's readers at a library only some of them
    share with the author)."""
    if not _may_read_item(user, item, standing(user, item.community)):
        return False
    return item.community_id == community.pk or _is_shared_beyond(item)


def linkable_items_q(user, community) -> Q:
    """`may_link_item` as a filter on LibraryItem."""
    shared = Q(sharing__in=["site", "public"]) & (
        Q(community__visibility="open") | Q(community__library_sharing_allowed=True)
    )
    return readable_items_q(user) & (Q(community=community) | shared)


def readable_items_sql(user, item_alias: str, community_alias: str) -> tuple[str, list]:
    """The "library_item.read" rule as a SQL condition, for raw queries such as
    full-text search: the same rule as `readable_items_q`, on an items table
    alias joined to its community's alias."""
    own_rule, params = readable_sql(user, community_alias)
    condition = f"{item_alias}.removed_at IS NULL AND ({own_rule}"
    if _is_signed_in(user):
        condition += (
            f" OR ({item_alias}.sharing IN ('site', 'public') AND "
            f"({community_alias}.visibility = 'open' OR {community_alias}.library_sharing_allowed = %s))"
        )
        params = [*params, True]
    return f"({condition}))", params


def readable_value_stories_q(user, community) -> Q:
    """The "value_story.read" rule as a filter on `community`'s ValueStory
    rows: all of them for its facilitators, those shared with the community
    and one's own for the seated, one's own only for anyone else (a former
    member). Costs no query beyond the user's standings."""
    live = Q(community=community, removed_at__isnull=True)
    st = standing(user, community)
    if st.is_facilitator:
        return live
    own = Q(author_id=user.pk) if _is_signed_in(user) else Q(pk__in=[])
    if st.is_seated:
        return live & (~Q(sharing="private") | own)
    return live & own


def visible_meetings_q(user) -> Q:
    """Meetings the user may see (the `meeting.view` rule) as a filter on Meeting:
    those of communities they read, and those they present at as a guest."""
    AgendaItem = apps.get_model("meetings", "AgendaItem")

    readable = readable_q(user)
    if not _is_signed_in(user):
        return readable
    guest_in = [
        cid
        for cid, st in _standings(user).items()
        if st.membership is not None
        and st.membership.status == "active"
        and st.membership.role == "guest_presenter"
    ]
    if not guest_in:
        return readable
    presenting = AgendaItem.objects.filter(presenter=user).values("meeting_id")
    return readable | Q(community_id__in=guest_in, pk__in=presenting)


def may_start_thread(user, community, kind: str) -> bool:
    """Announcements are for facilitators; discussions and asks for contributors."""
    if not can(user, "community.contribute", community):
        return False
    return kind != "announcement" or standing(user, community).is_facilitator


@dataclass(frozen=True)
class MoveRefusal:
    """Why a thread may not move into a community (see `move_refusal`)."""

    less_private: bool = False  # the community is less private than the thread
    unseated_authors: int = 0  # authors of its posts without a seat there


def move_refusal(thread, to_community) -> MoveRefusal | None:
    """Whether `thread` may move into `to_community`, whoever asks: only into a
    community at least as private as the thread is read under
    (`thread_visibility`), and only where every author of its posts (removed
    ones too) holds a seat, so that a move never shows anyone's words to
    people they did not write them for. Authors without an account (imported
    from an archive, or deleted) hold no seat anywhere. None when it may.
    One query for the authors."""
    Post = apps.get_model("conversations", "Post")
    Membership = apps.get_model("memberships", "Membership")

    if visibility_rank(to_community.visibility) < visibility_rank(thread_visibility(thread)):
        return MoveRefusal(less_private=True)
    seated_there = Membership.objects.filter(
        community=to_community, status__in=SEATED_STATUSES, role__in=READING_ROLES
    ).values("user_id")
    unseated = (
        Post.objects.filter(thread=thread)
        .exclude(author_id__in=seated_there)
        .values_list("author_id", "imported_author")
        .distinct()
    )
    count = len(set(unseated))
    if count:
        return MoveRefusal(unseated_authors=count)
    return None


def _may_view_person(user, person) -> bool:
    """Profiles are for peers: yourself, people you share a community with,
    members of open communities, and site admins (who manage memberships)."""
    Membership = apps.get_model("memberships", "Membership")

    if not _is_signed_in(user) or not person.is_active:
        return False
    if user.pk == person.pk or is_site_admin(user):
        return True
    theirs = Membership.objects.filter(
        user=person, status__in=SEATED_STATUSES, role__in=READING_ROLES
    )
    return theirs.filter(
        Q(community_id__in=_seated_community_ids(user)) | Q(community__visibility="open")
    ).exists()


PERSON_RULES = {"person.view": _may_view_person}


def _owns_entry(user, entry) -> bool:
    """A person's own expertise or experience entry (expertise.Expertise,
    expertise.Experience): theirs alone to change."""
    return _is_signed_in(user) and entry.person_id == user.pk


# Asked with an expertise or experience entry, which belongs to a person, not
# to one community.
ENTRY_RULES = {"expertise.edit": _owns_entry}


def viewable_people_ids(user, person_ids) -> set[int]:
    """The "person.view" rule for many people at once: which of `person_ids`
    the user may see. One query whatever the number of people, for lists
    that name people beside what they did (re-uses of a library item)."""
    Membership = apps.get_model("memberships", "Membership")
    User = apps.get_model("accounts", "User")

    ids = {pk for pk in person_ids if pk is not None}
    if not ids or not _is_signed_in(user):
        return set()
    active = User.objects.filter(pk__in=ids, is_active=True)
    if is_site_admin(user):
        return set(active.values_list("pk", flat=True))
    peers = Membership.objects.filter(
        user_id__in=ids, status__in=SEATED_STATUSES, role__in=READING_ROLES
    ).filter(Q(community_id__in=_seated_community_ids(user)) | Q(community__visibility="open"))
    found = set(
        active.filter(Q(pk=user.pk) | Q(pk__in=peers.values("user_id"))).values_list(
            "pk", flat=True
        )
    )
    return found


# --- Webhooks -------------------------------------------------------------------
# Asked with a webhooks.Webhook: a community's own (its `community` set) or
# site-wide (none).


def _may_manage_webhook(user, hook) -> bool:
    """A community's webhook is its facilitators' (not a site admin's: it
    carries what the community says); a site-wide one is the site admins'."""
    if hook.community_id is None:
        return is_site_admin(user)
    return standing(user, hook.community).is_facilitator


WEBHOOK_RULES = {"webhook.manage": _may_manage_webhook}

# How much one webhook delivery may carry, least first.
WEBHOOK_NOTHING = "nothing"  # not sent at all
WEBHOOK_IDS = "ids"  # the event, its time and the ids of Copse's objects
WEBHOOK_LINKS = "ids_and_links"  # and links to their pages
WEBHOOK_CONTENT = "content"  # and what the hook's owner may read of them


def webhook_disclosure(
    hook, community, *, visibility: str, owner_reads: bool, about_people: bool
) -> str:
    """How much a delivery of `hook` may carry about something in
    `community`, asked when it is sent. `visibility`: what the thing is read
    under (`thread_visibility` for a post or thread, the community's
    otherwise). `owner_reads`: whether the person the hook acts for may read
    the thing now, asked with the thing's own read action. `about_people`: a
    membership event, which site admins know of in every community they
    manage.

    A community's own hook carries what its owner (a facilitator) reads,
    except that what was written for a confidential community travels as ids
    and links only, as its mail does by default. A site-wide hook acts for a
    site admin, who reads no members-only or confidential content: such
    content travels as ids and links at most, and of a confidential or
    unlisted community only who-joined-or-left travels, as ids, since
    nothing else of it is the site operator's to know or to pass on."""
    if hook.community_id is not None:
        if hook.community_id != community.pk or not owner_reads:
            return WEBHOOK_NOTHING
        return WEBHOOK_LINKS if visibility == "confidential" else WEBHOOK_CONTENT
    hidden = community.visibility == "confidential" or (
        not community.listed and community.visibility != "open"
    )
    if hidden:
        return WEBHOOK_IDS if about_people and owner_reads else WEBHOOK_NOTHING
    if owner_reads and visibility != "confidential":
        return WEBHOOK_CONTENT
    return WEBHOOK_LINKS


SITE_RULES = {
    "programme.manage": is_site_admin,
    # The sponsor's report (copse/sponsors): aggregates only. Site admins see
    # it too: it holds nothing their programme page does not already count.
    "programme.view_report": lambda user: is_sponsor(user) or is_site_admin(user),
    "programme.grant_sponsor": is_site_admin,
    # Anyone signed in may make the case for a new community.
    "community.propose_new": _is_signed_in,
    "audit.view_all": is_site_admin,
    # Site-wide webhooks: what a site admin may know of every community
    # (see `webhook_disclosure`).
    "programme.manage_webhooks": is_site_admin,
    # A copy of one's own data ("Download my data"): anyone signed in.
    "account.export_data": _is_signed_in,
}


def can(user, action: str, obj=None) -> bool:
    """True when `user` may do `action` to `obj`. Unknown actions are denied."""
    if user is not None and user.is_authenticated and not user.is_active:
        return False
    if action in SITE_RULES:
        return SITE_RULES[action](user)
    if obj is None:
        return False
    if action in PERSON_RULES:
        return PERSON_RULES[action](user, obj)
    if action in ENTRY_RULES:
        return ENTRY_RULES[action](user, obj)
    if action in WEBHOOK_RULES:
        return WEBHOOK_RULES[action](user, obj)
    if action in COMMUNITY_PROPOSAL_RULES:
        return COMMUNITY_PROPOSAL_RULES[action](user, obj)
    if action in EXPORT_RULES:
        return EXPORT_RULES[action](user, obj)
    community = _community_of(obj)
    rule = COMMUNITY_RULES.get(action)
    if rule is not None:
        return rule(user, community, standing(user, community))
    rule = (
        CONVERSATION_RULES.get(action)
        or MEETING_RULES.get(action)
        or LIBRARY_RULES.get(action)
        or PROJECT_RULES.get(action)
        or DECISION_RULES.get(action)
        or VALUE_RULES.get(action)
        or HEALTH_RULES.get(action)
    )
    if rule is not None:
        return rule(user, obj, standing(user, community))
    return False


def _community_of(obj):
    Community = apps.get_model("communities", "Community")

    if isinstance(obj, Community):
        return obj
    return obj.community


def require_or_404(user, action: str, obj=None) -> None:
    """Raise Http404 (the same page as a missing object) unless allowed.

    Denials are logged without content: who, what action, which object id.
    """
    if can(user, action, obj):
        return
    security_log.info(
        "authorization denied user=%s action=%s object=%s:%s",
        getattr(user, "pk", None),
        action,
        type(obj).__name__ if obj is not None else "-",
        getattr(obj, "pk", "-"),
    )
    raise Http404


# --- Querysets ----------------------------------------------------------------


def _seated_community_ids(user) -> list[int]:
    return [cid for cid, st in _standings(user).items() if st.is_seated]


def mail_receivers(community) -> QuerySet:
    """Ids of the people who may receive `community`'s content by mail now,
    as a subquery: the set form of can(user, "community.receive_mail",
    community), for fan-outs and digests to thousands of people at once."""
    Membership = apps.get_model("memberships", "Membership")

    return Membership.objects.filter(
        community=community,
        user__is_active=True,
        status="active",
        role__in=READING_ROLES,
    ).values("user_id")


def may_mail_post(post) -> bool:
    """Whether `post` may go by mail to the `mail_receivers` of its thread's
    community: what "post.read" lets every seated member read (a thread's
    floor never shuts out the seated; how much of it travels is
    `mail_content_level`)."""
    return post.removed_at is None and post.thread.removed_at is None


def mailable_posts(community, start, end) -> QuerySet:
    """Posts written in [start, end) that everyone seated in `community` may
    read ("post.read" for a seated member): not removed, in a thread that is
    not removed. Pair with `mail_receivers`, and carry each at its thread's
    `mail_content_level`."""
    Post = apps.get_model("conversations", "Post")

    return Post.objects.filter(
        community=community,
        created_at__gte=start,
        created_at__lt=end,
        removed_at__isnull=True,
        thread__removed_at__isnull=True,
        thread__community=community,
    )


# How much of a post mail may carry, least first (mailing.models.ContentLevel).
MAIL_LEVELS = ("link_only", "titles", "full")
# What a confidential community's mail carries unless its members chose otherwise.
CONFIDENTIAL_MAIL_LEVEL = "link_only"


def mail_content_level(thread, community_level: str) -> str:
    """How much of `thread` its mail may carry, given `community_level` (the
    level its community's mail has now: its facilitators' choice or the
    default for its visibility). A thread written while its community was
    confidential keeps the confidential level after the community opens up:
    the choice made for the community now was not made for those words."""
    if (
        thread_visibility(thread) == "confidential"
        and thread.community.visibility != "confidential"
    ):
        return MAIL_LEVELS[
            min(MAIL_LEVELS.index(community_level), MAIL_LEVELS.index(CONFIDENTIAL_MAIL_LEVEL))
        ]
    return community_level


def seated_community_ids(user) -> list[int]:
    """Ids of the communities where the user is seated (none when signed out)."""
    if not _is_signed_in(user):
        return []
    return _seated_community_ids(user)


def seated_standings(user) -> dict[int, Standing]:
    """The user's standing in each community where they are seated, by
    community id (none when signed out): for a page that must know, before
    it asks the database, where the viewer facilitates or is active."""
    if not _is_signed_in(user):
        return {}
    return {cid: st for cid, st in _standings(user).items() if st.is_seated}


def visible_communities(user) -> QuerySet:
    """Communities whose existence the user may know (the `community.view` rule)."""
    Community = apps.get_model("communities", "Community")

    everyone = Q(listed=True) | Q(visibility="open")
    if not _is_signed_in(user):
        return Community.objects.filter(everyone)
    if is_site_admin(user):
        return Community.objects.all()
    known = [
        cid
        for cid, st in _standings(user).items()
        if st.is_seated or st.pending_request or st.pending_invitation
    ]
    return Community.objects.filter(everyone | Q(pk__in=known))


def readable_communities(user) -> QuerySet:
    """Communities whose content the user may read (the `community.read` rule)."""
    Community = apps.get_model("communities", "Community")

    open_ones = Q(visibility="open")
    if not _is_signed_in(user):
        return Community.objects.filter(open_ones)
    return Community.objects.filter(open_ones | Q(pk__in=_seated_community_ids(user)))


def readable_q(user, prefix: str = "community") -> Q:
    """A filter for any content model with a `community` foreign key, for use
    inside a larger query (meetings, topics, notifications):
    `Model.objects.filter(readable_q(u))`. Not for threads and posts, which
    are read at their own visibility: use `readable_threads_q` and
    `readable_posts_q`."""
    open_ones = Q(**{f"{prefix}__visibility": "open"})
    if not _is_signed_in(user):
        return open_ones
    return open_ones | Q(**{f"{prefix}_id__in": _seated_community_ids(user)})


def _readable_at_floor_q(user, community: str, floor: str) -> Q:
    open_ones = Q(**{f"{community}__visibility": "open", floor: "open"})
    if not _is_signed_in(user):
        return open_ones
    return open_ones | Q(**{f"{community}_id__in": _seated_community_ids(user)})


def readable_threads_q(user, prefix: str = "") -> Q:
    """The "thread.read" rule (removals aside) as a filter on Thread, or on a
    model reaching a thread through `prefix` (e.g. "threads" from Tag):
    threads of communities the user is seated in, and threads of open
    communities whose floor is open too. Costs no query beyond the user's
    standings: the floor is a column of the thread row."""
    p = f"{prefix}__" if prefix else ""
    return _readable_at_floor_q(user, f"{p}community", f"{p}visibility_floor")


def readable_posts_q(user, prefix: str = "") -> Q:
    """The "post.read" rule (removals aside) as a filter on Post (or through
    `prefix` to a post): posts of communities the user is seated in, and
    posts of open communities in threads whose floor is open."""
    p = f"{prefix}__" if prefix else ""
    return _readable_at_floor_q(user, f"{p}community", f"{p}thread__visibility_floor")


def readable_sql(user, community_alias: str, thread_alias: str | None = None) -> tuple[str, list]:
    """The `community.read` rule as a SQL condition on a communities table alias,
    for raw queries such as full-text search. Same rule as `readable_q`. With
    `thread_alias` (a threads table alias), the "thread.read" rule of
    `readable_threads_q`: an open community's thread is read by everyone only
    if its floor is open too."""
    condition = f"{community_alias}.visibility = 'open'"
    if thread_alias is not None:
        condition = f"{condition} AND {thread_alias}.visibility_floor = 'open'"
    if not _is_signed_in(user):
        return f"({condition})", []
    ids = _seated_community_ids(user)
    if not ids:
        return f"({condition})", []
    placeholders = ", ".join(["%s"] * len(ids))
    return f"(({condition}) OR {community_alias}.id IN ({placeholders}))", ids


def viewable_people_q(user, prefix: str = "") -> Q:
    """The "person.view" rule as a filter on User (or through `prefix` to a
    user, e.g. "person" from an expertise entry): oneself, people seated in a
    community the user is seated in or in an open community; everyone active
    for site admins. Costs no query beyond the user's standings."""
    Membership = apps.get_model("memberships", "Membership")

    p = f"{prefix}__" if prefix else ""
    person = prefix or "pk"
    if not _is_signed_in(user):
        return Q(pk__in=[])
    active = Q(**{f"{p}is_active": True})
    if is_site_admin(user):
        return active
    peers = Membership.objects.filter(
        Q(community_id__in=_seated_community_ids(user)) | Q(community__visibility="open"),
        status__in=SEATED_STATUSES,
        role__in=READING_ROLES,
    ).values("user_id")
    return active & (Q(**{person: user.pk}) | Q(**{f"{person}__in": peers}))


def seated_in_q(*, person: str = "person", community: str = "community") -> Q:
    """Rows whose named person (a path to a user) is seated now in the named
    community (a path to a community), with an active account: for what a
    person said in a community, which counts only while they sit there."""
    Membership = apps.get_model("memberships", "Membership")

    return Q(
        Exists(
            Membership.objects.filter(
                user_id=OuterRef(person),
                community_id=OuterRef(community),
                status__in=SEATED_STATUSES,
                role__in=READING_ROLES,
                user__is_active=True,
            )
        )
    )


def shared_community_q(user, *, person: str = "person", community: str = "community") -> Q:
    """A filter for rows that name a person and a community (an expertise
    entry, a community an experience entry is shown in): those whose
    community both `user` and that person are seated in now. What people tell
    about themselves in a community is shown to the people they share it
    with, and to nobody else: not to a former member, a guest presenter, an
    outside reader of an open community, or a site admin. A person who leaves
    takes what they told there out of sight with them."""
    ids = seated_community_ids(user)
    if not ids:
        return Q(pk__in=[])
    return Q(**{f"{community}_id__in": ids}) & seated_in_q(person=person, community=community)


# --- The sponsor's report (copse/sponsors) ---------------------------------------


def named_in_programme_report(community) -> bool:
    """Whether the sponsor's report names `community` and gives its own
    figures: only a community anyone signed in may know exists (listed, or
    open) and that is not confidential. Every other community is counted
    and nothing more: it exists, and its members are counted together with
    the other unnamed ones'. None of its activity enters any figure, since a
    total that held it would, less the named rows, give it away."""
    return community.visibility != "confidential" and (
        community.listed or community.visibility == "open"
    )
