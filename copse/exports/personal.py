"""What a person's own export holds ("Download my data"): everything about
them and everything they wrote, with their files.

Their own words come whole, wherever they wrote them (a community they left
included): a post, a position, a story is theirs. What others wrote around
them is named only where they may read it now: a reply in someone else's
thread carries that thread's title only while the person may read the
thread. Nothing of anyone else's that is private comes with it: no other
person's address (not the address of a peer they nominated, nor of anyone
they invited, nor of a sponsor), no one else's value story, never what
anyone answered in a trust pulse (theirs included: an answer names nobody,
so nobody can be given theirs), and no secret (password, token, two-factor
key).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from copse.calendars.models import CalendarFeed
from copse.conversations.models import (
    Draft,
    Post,
    PostAttachment,
    PostRevision,
    Subscription,
    Thread,
)
from copse.core import permissions
from copse.decisions.models import (
    Amendment,
    AmendmentComment,
    CommunityProposal,
    DateAnswer,
    PeerNomination,
    Position,
    PositionReply,
    Proposal,
)
from copse.expertise.models import Experience, Expertise
from copse.exports.steps import Build, Readme, Step, person
from copse.health.models import Nudge
from copse.library.models import ItemVersion, LibraryItem, Reuse
from copse.mailing.models import CommunityDelivery, MailSettings
from copse.meetings.models import (
    ActionItem,
    AgendaItem,
    Material,
    Meeting,
    PresentationFeedback,
    Rsvp,
    SummaryComment,
)
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.norms.models import NormsAcceptance
from copse.organisations.models import OrganisationRequest
from copse.projects.models import SectionComment, SectionRevision
from copse.pulses.models import Respondent
from copse.topics.models import Topic, TopicVote
from copse.value.models import TimeEstimate, ValueStory

README = Readme(
    intro=_(
        "This is everything Copse holds about you, and everything you wrote there, as it "
        "was when the archive was made. manifest.json lists every file with its size and "
        "SHA-256 checksum, and counts what the archive holds."
    ),
    files=(
        (
            "account.json",
            _("your account, profile, addresses, organisation, mail and calendar settings"),
        ),
        (
            "memberships.json",
            _("your memberships, requests to join, norms you accepted, mail choices per community"),
        ),
        (
            "writing.json",
            _(
                "threads you started, your posts (with their earlier versions), drafts, subscriptions"
            ),
        ),
        (
            "meetings.json",
            _(
                "your answers to meetings, what you presented, uploaded, commented and gave as feedback"
            ),
        ),
        ("topics.json", _("topics you proposed and the topics you voted for")),
        (
            "decisions.json",
            _("your proposals, positions, replies, date poll answers, amendments, nominations"),
        ),
        (
            "library.json",
            _("library items you wrote, their versions, your re-uses, your project writing"),
        ),
        (
            "value.json",
            _(
                "your value stories and time estimates, trust pulses you answered (never the answers)"
            ),
        ),
        (
            "expertise.json",
            _("your expertise and your experience with vendors, products and technologies"),
        ),
        (
            "notes.json",
            _("personal notes facilitators sent you, and those you sent as a facilitator"),
        ),
        ("files/", _("your files: attachments/, materials/, library/")),
    ),
    outro=_(
        "Titles of things others started (a thread, a meeting, a proposal) appear only "
        "where you may still read them. Dates and times are in UTC (ISO 8601)."
    ),
)


def _community(community) -> dict | None:
    if community is None:
        return None
    return {"name": community.name, "slug": community.slug}


def _title_if_readable(reader, obj, action: str) -> str | None:
    return obj.title if obj is not None and permissions.can(reader, action, obj) else None


# --- About the person ----------------------------------------------------------------


def account(build: Build) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user = build.reader
    mail = MailSettings.objects.filter(user=user).first()
    feed = CalendarFeed.objects.filter(user=user).first()
    build.writer.write_json(
        "account.json",
        {
            "email": user.email,
            "display_name": user.display_name,
            "handle": user.handle,
            "job_title": user.job_title,
            "bio": user.bio,
            "time_zone": user.time_zone,
            "organisation": (
                {
                    "name": user.organisation.name,
                    "verified_by": user.organisation_source,
                    "verified_at": user.organisation_verified_at,
                }
                if user.organisation is not None
                else None
            ),
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "site_administrator": user.is_staff,
            "sponsor": user.is_sponsor,
            "addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
            # That they are set up, and when: never a key or a code.
            "two_factor": [
                {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
                for a in Authenticator.objects.filter(user=user).order_by("created_at")
            ],
            "organisation_requests": [
                {
                    "organisation": r.name,
                    "note": r.note,
                    "status": r.status,
                    "asked_at": r.created_at,
                    "decided_at": r.decided_at,
                }
                for r in OrganisationRequest.objects.filter(user=user).order_by("created_at")
            ],
            "mail": (
                {
                    "default_delivery": mail.default_mode,
                    "bouncing_since": mail.bouncing_since,
                    "bounce_reason": mail.bounce_reason or None,
                }
                if mail is not None
                else None
            ),
            # The feed's address is a secret shown once; only that it exists.
            "calendar_feed": (
                {"created_at": feed.created_at, "last_fetched_at": feed.last_fetched_at}
                if feed is not None
                else None
            ),
        },
    )


def memberships(build: Build) -> None:
    user = build.reader
    seats = [
        {
            "community": _community(m.community),
            "role": m.role,
            "status": m.status,
            "organisation": m.organisation.name if m.organisation else None,
            "joined_at": m.joined_at,
            "seated_via": m.seated_via,
            "seated_by": person(m.seated_by),
            "in_place_of": person(m.principal.user) if m.principal else None,
            "norms_accepted": m.norms_accepted,
            "ended_at": m.ended_at,
        }
        for m in Membership.objects.filter(user=user)
        .select_related("community", "organisation", "seated_by", "principal__user")
        .order_by("joined_at", "id")
    ]
    build.writer.write_json(
        "memberships.json",
        {
            "memberships": seats,
            "requests_to_join": [
                {
                    "community": _community(r.community),
                    "note": r.note,
                    "status": r.status,
                    "asked_at": r.created_at,
                    "decided_at": r.decided_at,
                }
                for r in JoinRequest.objects.filter(user=user)
                .select_related("community")
                .order_by("created_at", "id")
            ],
            "norms_accepted": [
                {
                    "community": _community(a.version.community),
                    "version": a.version.number,
                    "accepted_at": a.accepted_at,
                }
                for a in NormsAcceptance.objects.filter(user=user)
                .select_related("version__community")
                .order_by("accepted_at", "id")
            ],
            "mail_per_community": [
                {"community": _community(d.community), "delivery": d.mode}
                for d in CommunityDelivery.objects.filter(user=user)
                .select_related("community")
                .order_by("community__name")
            ],
            # What they wrote when inviting someone; never the address they wrote to.
            "invitations_sent": [
                {
                    "community": _community(i.community),
                    "role": i.role,
                    "message": i.message,
                    "sent_at": i.created_at,
                    "accepted": i.accepted_at is not None,
                }
                for i in Invitation.objects.filter(invited_by=user)
                .select_related("community")
                .order_by("created_at", "id")
            ],
        },
    )
    build.count("memberships", len(seats))


# --- What they wrote -----------------------------------------------------------------


def writing(build: Build) -> None:
    user = build.reader
    started = list(
        Thread.objects.filter(author=user).select_related("community").order_by("created_at", "id")
    )
    posts = list(
        Post.objects.filter(author=user)
        .select_related("thread", "thread__community", "community")
        .order_by("created_at", "id")
    )
    ids = [p.pk for p in posts]
    revisions: dict[int, list] = {}
    for revision in PostRevision.objects.filter(post_id__in=ids).order_by("replaced_at", "id"):
        revisions.setdefault(revision.post_id, []).append(revision)
    files: dict[int, list] = {}
    for attachment in PostAttachment.objects.filter(post_id__in=ids).order_by("id"):
        files.setdefault(attachment.post_id, []).append(attachment)
    rows = []
    for index, post in enumerate(posts):
        thread = post.thread
        own_thread = thread.author_id == user.pk
        attachments = []
        for attachment in files.get(post.pk, []):
            path = build.add_file(
                f"attachments/{attachment.pk}",
                attachment.file,
                attachment.original_name,
                attachment.content_type,
                attachment.size,
            )
            attachments.append(
                {"name": attachment.original_name, "bytes": attachment.size, "path": path}
            )
        rows.append(
            {
                "id": post.pk,
                "community": _community(post.community),
                "thread": thread.pk,
                "thread_title": thread.title
                if own_thread or permissions.can(user, "thread.read", thread)
                else None,
                "position": post.position,
                "created_at": post.created_at,
                "edited_at": post.edited_at,
                "removed_at": post.removed_at,
                "body": post.body,
                "earlier_versions": [
                    {"title": r.title, "body": r.body, "replaced_at": r.replaced_at}
                    for r in revisions.get(post.pk, [])
                ],
                "attachments": attachments,
            }
        )
        build.report((index + 1) / max(1, len(posts)))
    build.writer.write_json(
        "writing.json",
        {
            "threads_started": [
                {
                    "id": t.pk,
                    "community": _community(t.community),
                    "kind": t.kind,
                    "title": t.title,
                    "created_at": t.created_at,
                    "what_i_learned": t.summary or None,
                    "removed_at": t.removed_at,
                }
                for t in started
            ],
            "posts": rows,
            "drafts": [
                {
                    "community": _community(d.community),
                    "thread": d.thread_id,
                    "title": d.title,
                    "body": d.body,
                    "updated_at": d.updated_at,
                }
                for d in Draft.objects.filter(user=user)
                .select_related("community")
                .order_by("updated_at", "id")
            ],
            "subscriptions": [
                {
                    "thread": s.thread_id,
                    "thread_title": _title_if_readable(user, s.thread, "thread.read"),
                    "level": s.level,
                }
                for s in Subscription.objects.filter(user=user)
                .select_related("thread__community")
                .order_by("thread_id")
            ],
        },
    )
    build.count("threads_started", len(started))
    build.count("posts", len(rows))


def meetings(build: Build) -> None:
    user = build.reader
    answers = [
        {
            "meeting": r.meeting_id,
            "meeting_title": _title_if_readable(user, r.meeting, "meeting.view"),
            "community": _community(r.meeting.community),
            "starts_at": r.meeting.starts_at,
            "answer": r.answer,
            "place": r.place or None,
            "dinner": r.dinner,
            "dinner_note": r.dinner_note,
            "dietary_needs": r.dietary_needs,
            "attended": r.attended,
            "in_place_of": person(r.delegated_from),
            "answered_at": r.answered_at,
        }
        for r in Rsvp.objects.filter(user=user)
        .select_related("meeting__community", "delegated_from")
        .order_by("meeting__starts_at", "id")
    ]
    uploads = []
    for material in (
        Material.objects.filter(uploaded_by=user)
        .select_related("meeting__community")
        .order_by("created_at", "id")
    ):
        path = build.add_file(
            f"materials/{material.pk}",
            material.file,
            material.original_name,
            material.content_type,
            material.size,
        )
        uploads.append(
            {
                "meeting": material.meeting_id,
                "meeting_title": _title_if_readable(user, material.meeting, "meeting.view"),
                "name": material.original_name,
                "bytes": material.size,
                "uploaded_at": material.created_at,
                "path": path,
            }
        )
    presented = [
        {
            "meeting": item.meeting_id,
            "title": item.title if permissions.can(user, "meeting.view", item.meeting) else None,
            "starts_at": item.meeting.starts_at,
            "feedback_shared_at": item.feedback_shared_at,
        }
        for item in AgendaItem.objects.filter(presenter=user)
        .select_related("meeting__community")
        .order_by("meeting__starts_at", "id")
    ]
    organised = [
        {
            "id": m.pk,
            "community": _community(m.community),
            "title": m.title,
            "kind": m.kind,
            "starts_at": m.starts_at,
            "description": m.description,
        }
        for m in Meeting.objects.filter(organiser=user, kind=Meeting.Kind.SIDE)
        .select_related("community")
        .order_by("starts_at", "id")
    ]
    build.writer.write_json(
        "meetings.json",
        {
            "answers": answers,
            "side_meetings_organised": organised,
            "presented": presented,
            "materials_uploaded": uploads,
            "summary_comments": [
                {
                    "meeting": c.meeting_id,
                    "meeting_title": _title_if_readable(user, c.meeting, "meeting.view"),
                    "body": c.body,
                    "written_at": c.created_at,
                }
                for c in SummaryComment.objects.filter(author=user)
                .select_related("meeting__community")
                .order_by("created_at", "id")
            ],
            "feedback_given": [
                {
                    "meeting": f.agenda_item.meeting_id,
                    "presentation": _title_if_readable(user, f.agenda_item, "meeting.view"),
                    "usefulness": f.usefulness,
                    "comment": f.comment,
                    "given_at": f.created_at,
                }
                for f in PresentationFeedback.objects.filter(author=user)
                .select_related("agenda_item__meeting__community")
                .order_by("created_at", "id")
            ],
            "action_items": [
                {
                    "meeting": a.meeting_id,
                    "text": a.text
                    if permissions.can(user, "meeting.view_whole", a.meeting)
                    else None,
                    "due_on": a.due_on,
                    "done_at": a.done_at,
                }
                for a in ActionItem.objects.filter(owner=user)
                .select_related("meeting__community")
                .order_by("created_at", "id")
            ],
        },
    )
    build.count("meeting_answers", len(answers))


def topics(build: Build) -> None:
    user = build.reader
    proposed = [
        {
            "community": _community(t.community),
            "title": t.title,
            "why": t.why,
            "status": t.status,
            "created_at": t.created_at,
        }
        for t in Topic.objects.filter(proposed_by=user)
        .select_related("community")
        .order_by("created_at", "id")
    ]
    votes = [
        {
            "community": _community(v.topic.community),
            "topic": _title_if_readable(user, v.topic, "topic.read"),
            "voted_at": v.created_at,
        }
        for v in TopicVote.objects.filter(user=user)
        .select_related("topic__community")
        .order_by("created_at", "id")
    ]
    build.writer.write_json("topics.json", {"proposed": proposed, "votes": votes})
    build.count("topic_votes", len(votes))


def decisions(build: Build) -> None:
    user = build.reader
    positions = [
        {
            "proposal": p.proposal_id,
            "proposal_title": _title_if_readable(user, p.proposal, "proposal.read"),
            "community": _community(p.proposal.community),
            "stance": p.stance,
            "reason": p.reason,
            "revision": p.revision,
            "by_mail": p.by_mail,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
        }
        for p in Position.objects.filter(user=user)
        .select_related("proposal__community")
        .order_by("created_at", "id")
    ]
    build.writer.write_json(
        "decisions.json",
        {
            "proposals": [
                {
                    "id": p.pk,
                    "community": _community(p.community),
                    "title": p.title,
                    "body": p.body,
                    "kind": p.kind,
                    "status": p.status,
                    "created_at": p.created_at,
                }
                for p in Proposal.objects.filter(proposed_by=user)
                .select_related("community")
                .order_by("created_at", "id")
            ],
            "outcomes_written": [
                {"proposal": p.pk, "outcome": p.outcome, "written_at": p.outcome_at}
                for p in Proposal.objects.filter(outcome_by=user).order_by("outcome_at", "id")
            ],
            "positions": positions,
            "replies_to_positions": [
                {
                    "proposal": r.position.proposal_id,
                    "proposal_title": _title_if_readable(
                        user, r.position.proposal, "proposal.read"
                    ),
                    "body": r.body,
                    "written_at": r.created_at,
                }
                for r in PositionReply.objects.filter(author=user)
                .select_related("position__proposal__community")
                .order_by("created_at", "id")
            ],
            "date_poll_answers": [
                {
                    "poll": a.option.poll_id,
                    "poll_title": _title_if_readable(user, a.option.poll, "poll.read"),
                    "starts_at": a.option.starts_at,
                    "answer": a.answer,
                }
                for a in DateAnswer.objects.filter(user=user)
                .select_related("option__poll__community")
                .order_by("option__starts_at", "id")
            ],
            "amendments": [
                {
                    "community": _community(a.community),
                    "section": a.section,
                    "text": a.text,
                    "why": a.note,
                    "status": a.status,
                    "created_at": a.created_at,
                }
                for a in Amendment.objects.filter(proposed_by=user)
                .select_related("community")
                .order_by("created_at", "id")
            ],
            "amendment_comments": [
                {"amendment": c.amendment_id, "body": c.body, "written_at": c.created_at}
                for c in AmendmentComment.objects.filter(author=user).order_by("created_at", "id")
            ],
            # The peer's name and why; their address is theirs, not the nominator's.
            "peers_nominated": [
                {
                    "community": _community(n.community),
                    "name": n.name,
                    "reason": n.reason,
                    "status": n.status,
                    "created_at": n.created_at,
                }
                for n in PeerNomination.objects.filter(nominated_by=user)
                .select_related("community")
                .order_by("created_at", "id")
            ],
            "communities_proposed": [
                {
                    "name": c.name,
                    "slug": c.slug,
                    "purpose": c.purpose,
                    "domain": c.domain,
                    "audience": c.audience,
                    "eligibility": c.eligibility,
                    "case": c.case,
                    "sponsor_name": c.sponsor_name,
                    "sponsor_role": c.sponsor_role,
                    "status": c.status,
                    "decision_note": c.decision_note,
                    "created_at": c.created_at,
                    "decided_at": c.decided_at,
                }
                for c in CommunityProposal.objects.filter(proposed_by=user).order_by(
                    "created_at", "id"
                )
            ],
        },
    )
    build.count("positions", len(positions))


def library(build: Build) -> None:
    user = build.reader
    items = list(
        LibraryItem.objects.filter(Q(authors__person=user) | Q(created_by=user))
        .distinct()
        .select_related("community")
        .prefetch_related("authors")
        .order_by("created_at", "id")
    )
    versions: dict[int, list] = {}
    for version in ItemVersion.objects.filter(item__in=items).order_by("item_id", "number"):
        versions.setdefault(version.item_id, []).append(version)
    rows = []
    for index, item in enumerate(items):
        # Their own versions always; the others' while they may read the item.
        readable = item.removed_at is None and permissions.can(user, "library_item.read", item)
        shown = []
        for version in versions.get(item.pk, []):
            if not (readable or version.created_by_id == user.pk):
                continue
            path = None
            if version.file:
                path = build.add_file(
                    f"library/{item.pk}/version-{version.number}",
                    version.file,
                    version.original_name,
                    version.content_type,
                    version.size,
                )
            shown.append(
                {
                    "number": version.number,
                    "change_note": version.change_note,
                    "text": version.body_markdown or None,
                    "file": (
                        {"name": version.original_name, "bytes": version.size, "path": path}
                        if version.file
                        else None
                    ),
                    "by_you": version.created_by_id == user.pk,
                    "created_at": version.created_at,
                }
            )
        rows.append(
            {
                "id": item.pk,
                "community": _community(item.community),
                "kind": item.kind,
                "title": item.title,
                "description": item.description,
                "link_url": item.link_url or None,
                "authors": [
                    {"name": a.name, "organisation": a.organisation_name or None}
                    for a in item.authors.all()
                ],
                "removed_at": item.removed_at,
                "created_at": item.created_at,
                "versions": shown,
            }
        )
        build.report((index + 1) / max(1, len(items)))
    build.writer.write_json(
        "library.json",
        {
            "items": rows,
            "reuses": [
                {
                    "item": r.item_id,
                    "item_title": _title_if_readable(user, r.item, "library_item.read"),
                    "note": r.note,
                    "hours_saved": r.hours_saved,
                    "at": r.created_at,
                }
                for r in Reuse.objects.filter(person=user)
                .select_related("item__community")
                .order_by("created_at", "id")
            ],
            "project_writing": [
                {
                    "project": r.section.project_id,
                    "section": r.section.title
                    if permissions.can(user, "project.read", r.section.project)
                    else None,
                    "revision": r.number,
                    "text": r.body_markdown,
                    "note": r.note,
                    "saved_at": r.created_at,
                }
                for r in SectionRevision.objects.filter(author=user)
                .select_related("section__project__community")
                .order_by("created_at", "id")
            ],
            "project_comments": [
                {"section": c.section_id, "body": c.body, "written_at": c.created_at}
                for c in SectionComment.objects.filter(author=user).order_by("created_at", "id")
            ],
        },
    )
    build.count("library_items", len(rows))


def value_and_expertise(build: Build) -> None:
    user = build.reader
    stories = [
        {
            "id": s.pk,
            "community": _community(s.community),
            "title": s.title,
            "story": s.story,
            "cycle": s.cycle,
            "sharing": s.sharing,
            "money_saved": s.money_saved,
            "currency": s.currency or None,
            "hours_saved": s.hours_saved,
            "risk_avoided": s.risk_avoided or None,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
        }
        # Their own, as `value_story.read` lets an author read theirs (a
        # removed story is read by nobody).
        for s in ValueStory.objects.filter(author=user)
        .select_related("community")
        .order_by("created_at", "id")
        if permissions.can(user, "value_story.read", s)
    ]
    build.writer.write_json(
        "value.json",
        {
            "stories": stories,
            "time_estimates": [
                {
                    "community": _community(t.community),
                    "minutes_per_week": t.minutes_per_week,
                    "updated_at": t.updated_at,
                }
                for t in TimeEstimate.objects.filter(user=user).select_related("community")
            ],
            # That they answered, never what: no answer names anyone.
            "trust_pulses_answered": [
                {
                    "community": _community(r.pulse.community),
                    "opens_on": r.pulse.opens_on,
                    "closes_on": r.pulse.closes_on,
                }
                for r in Respondent.objects.filter(user=user)
                .select_related("pulse__community")
                .order_by("pulse__opens_on")
            ],
        },
    )
    build.count("value_stories", len(stories))
    experience = (
        Experience.objects.filter(person=user)
        .select_related("tag")
        .prefetch_related("shown_in")
        .order_by("tag__name")
    )
    build.writer.write_json(
        "expertise.json",
        {
            "expertise": [
                {
                    "community": _community(e.community),
                    "subject": e.subject,
                    "level": e.level,
                    "findable_elsewhere": e.findable_elsewhere,
                }
                for e in Expertise.objects.filter(person=user)
                .select_related("community")
                .order_by("community__name", "slug")
            ],
            "experience": [
                {
                    "of": e.tag.name,
                    "kind": e.tag.kind,
                    "how_long": e.duration,
                    "what_for": e.purpose,
                    "would_recommend": e.recommend,
                    "note": e.recommend_note,
                    "happy_to_be_asked": e.happy_to_be_asked,
                    "shown_in": [_community(c) for c in e.shown_in.all()],
                }
                for e in experience
            ],
        },
    )
    notes = [
        n
        for n in Nudge.objects.filter(Q(member=user) | Q(sent_by=user))
        .select_related("community", "member", "sent_by")
        .order_by("sent_at", "id")
        if permissions.can(user, "nudge.read", n)
    ]
    build.writer.write_json(
        "notes.json",
        {
            "received": [
                {
                    "community": _community(n.community),
                    "from": person(n.sent_by),
                    "body": n.body,
                    "sent_at": n.sent_at,
                }
                for n in notes
                if n.member_id == user.pk
            ],
            "sent": [
                {
                    "community": _community(n.community),
                    "to": person(n.member),
                    "body": n.body,
                    "sent_at": n.sent_at,
                }
                for n in notes
                if n.sent_by_id == user.pk
            ],
        },
    )


STEPS = [
    Step(gettext_noop("Your account and settings"), account),
    Step(gettext_noop("Your memberships"), memberships),
    Step(gettext_noop("What you wrote, and your files"), writing),
    Step(gettext_noop("Meetings"), meetings),
    Step(gettext_noop("Topics"), topics),
    Step(gettext_noop("Decisions"), decisions),
    Step(gettext_noop("The library and documentation projects"), library),
    Step(gettext_noop("Value, expertise and personal notes"), value_and_expertise),
]
