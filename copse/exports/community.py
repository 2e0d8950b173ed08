"""What a community's export holds, read as the facilitator who asked for it
may read it: every step asks the permission core, or filters with its
queryset rules, with that facilitator as the reader.

Left out by rule: removed threads and posts (a facilitator sees only their
tombstones), who voted for a topic (no page shows it), anything about who
answered a trust pulse (only closed pulses' results that already show),
nudges another facilitator wrote, and private value stories the reader may
not read. Each step is one or a few queries over the whole community, never
one per row.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from copse.calendars import ics
from copse.conversations.models import PostAttachment, PostRevision, Thread
from copse.core import permissions
from copse.decisions.models import (
    Amendment,
    DateOption,
    DatePoll,
    NormsReview,
    PeerNomination,
    Position,
    Proposal,
)
from copse.expertise.models import Expertise
from copse.exports.archive import StreamedList
from copse.exports.steps import Build, Readme, Step, person
from copse.health.models import HealthSettings, Nudge
from copse.library.models import ItemVersion, LibraryItem
from copse.mailing import archives
from copse.mailing.models import CommunityMailPolicy
from copse.meetings.models import (
    ActionItem,
    AgendaItem,
    HostOffer,
    Material,
    Meeting,
    MeetingSeries,
    PresentationFeedback,
    Rsvp,
    SummaryComment,
)
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.norms.models import NormsVersion
from copse.projects.models import Project, Section
from copse.pulses.models import Pulse
from copse.pulses.selectors import results_for
from copse.topics.models import Topic
from copse.value.models import ValueStory

README = Readme(
    intro=_(
        "This is everything a community held on Copse, as its facilitator could read it "
        "when the archive was made. manifest.json lists every file with its size and "
        "SHA-256 checksum, and counts what the archive holds."
    ),
    files=(
        ("community.json", _("the community's settings")),
        (
            "members.json",
            _("memberships (addresses of current members), waiting requests, open invitations"),
        ),
        (
            "threads.json",
            _("conversations: threads, their posts, earlier versions of edited posts, attachments"),
        ),
        (
            "conversations.mbox",
            _("the same conversations as a mail archive (From the community's address)"),
        ),
        (
            "meetings.json",
            _("series, meetings, agendas, answers, materials, summaries, action items, feedback"),
        ),
        ("meetings.ics", _("the meetings as a calendar (iCalendar)")),
        ("topics.json", _("topics nominated for meetings, with their number of votes")),
        ("norms.json", _("every version of the norms and who accepted it")),
        ("library.json", _("library items, their versions and re-uses")),
        (
            "decisions.json",
            _("proposals, positions, outcomes, date polls, amendments, peer nominations"),
        ),
        ("projects.json", _("documentation projects, their sections and every saved revision")),
        ("value_stories.json", _("the value stories the facilitator may read")),
        ("pulses.json", _("trust pulses, and the results of those closed with enough answers")),
        ("nudges.json", _("notes the facilitator sent quiet members")),
        ("expertise.json", _("who knows what in the community")),
        ("files/", _("the files: attachments/, materials/, library/")),
    ),
    outro=_("Dates and times are in UTC (ISO 8601). Texts are Markdown as written."),
)


# --- The community and who is in it ------------------------------------------------


def community_and_members(build: Build) -> None:
    community, reader = build.community, build.reader
    policy = CommunityMailPolicy.objects.filter(community=community).first()
    health = HealthSettings.objects.filter(community=community).first()
    build.writer.write_json(
        "community.json",
        {
            "name": community.name,
            "slug": community.slug,
            "purpose": community.purpose,
            "goals": community.goals,
            "topic_areas": community.topic_areas,
            "kind": community.kind,
            "visibility": community.visibility,
            "listed": community.listed,
            "join_policy": community.join_policy,
            "eligibility": community.eligibility,
            "per_organisation_cap": community.per_organisation_cap,
            "size_cap": community.size_cap,
            "meeting_cadence": community.meeting_cadence,
            "library_sharing_allowed": community.library_sharing_allowed,
            "who_may_propose": community.who_may_propose,
            "facilitators_adopt_amendments": community.facilitators_adopt_amendments,
            "members_nominate_peers": community.members_nominate_peers,
            "norms_review_months": community.norms_review_months,
            "current_norms_version": community.norms_version,
            "mail_content_level": policy.content if policy else None,
            "quiet_after_weeks": health.quiet_weeks if health else None,
            "nudge_template": health.nudge_template if health else None,
            "created_at": community.created_at,
        },
    )
    # The facilitators' manage page shows addresses of the seated and of
    # what waits for them; reasons follow `community.read_reasons`.
    manages = permissions.can(reader, "community.manage", community)
    reasons = permissions.can(reader, "community.read_reasons", community)
    memberships = []
    for m in (
        Membership.objects.filter(community=community)
        .select_related("user", "organisation", "seated_by", "principal__user")
        .order_by("joined_at", "id")
    ):
        current = m.status in Membership.SEATED
        memberships.append(
            {
                "person": person(m.user),
                "email": m.user.email if manages and current else None,
                "organisation": m.organisation.name if m.organisation else None,
                "role": m.role,
                "status": m.status,
                "principal": person(m.principal.user) if m.principal else None,
                "joined_at": m.joined_at,
                "seated_by": person(m.seated_by),
                "seated_via": m.seated_via,
                "norms_accepted": m.norms_accepted,
                "ended_at": m.ended_at,
                "end_reason": m.end_reason if reasons else None,
            }
        )
    waiting = []
    if manages:
        waiting = [
            {
                "person": person(r.user),
                "email": r.user.email,
                "note": r.note,
                "members_decide": r.members_decide,
                "asked_at": r.created_at,
            }
            for r in JoinRequest.objects.filter(community=community, status="pending")
            .select_related("user")
            .order_by("created_at", "id")
        ]
    invitations = []
    if manages:
        invitations = [
            {
                "email": i.email,
                "role": i.role,
                "message": i.message,
                "invited_by": person(i.invited_by),
                "sent_at": i.created_at,
            }
            for i in Invitation.objects.usable()
            .filter(community=community)
            .select_related("invited_by")
            .order_by("created_at", "id")
        ]
    build.writer.write_json(
        "members.json",
        {"memberships": memberships, "join_requests": waiting, "invitations": invitations},
    )
    build.count("memberships", len(memberships))


# --- Conversations --------------------------------------------------------------------


def _grouped(rows, key: str) -> dict[int, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _post_row(post, revisions, attachments) -> dict:
    return {
        "id": post.pk,
        "position": post.position,
        "author": person(post.author),
        "imported_author": post.imported_author or None,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "helpful": post.helpful,
        "body": post.body,
        "earlier_versions": [
            {
                "title": r.title,
                "body": r.body,
                "replaced_at": r.replaced_at,
                "editor": person(r.editor),
            }
            for r in revisions.get(post.pk, [])
        ],
        "attachments": attachments.get(post.pk, []),
    }


def conversations(build: Build) -> None:
    """Threads with their posts, streamed: threads in id order beside the
    posts in thread order, so a thread's posts are written as they are read
    and never a whole community's posts at once."""
    community, reader = build.community, build.reader
    threads = (
        Thread.objects.filter(
            permissions.readable_threads_q(reader),
            community=community,
            removed_at__isnull=True,
        )
        .select_related("author")
        .prefetch_related("tags")
        .order_by("id")
    )
    # The posts the mail archive carries (mailing.archives): readable, none removed.
    posts = archives.exported_posts(community, reader)
    post_ids = posts.values("pk")
    # Files first: the archive writes one member at a time.
    attachments: dict[int, list] = defaultdict(list)
    for attachment in PostAttachment.objects.filter(post_id__in=post_ids).order_by("id"):
        path = build.add_file(
            f"attachments/{attachment.pk}",
            attachment.file,
            attachment.original_name,
            attachment.content_type,
            attachment.size,
        )
        attachments[attachment.post_id].append(
            {
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "bytes": attachment.size,
                "path": path,
            }
        )
    revisions = _grouped(
        PostRevision.objects.filter(post_id__in=post_ids)
        .select_related("editor")
        .order_by("post_id", "replaced_at", "id"),
        "post_id",
    )
    total = max(1, threads.count())
    exported = build.exported.setdefault("threads", set())
    build.count("threads", 0)
    build.count("posts", 0)

    def thread_rows():
        remaining = posts.iterator(chunk_size=500)
        post = next(remaining, None)
        for thread in threads.iterator(chunk_size=200):
            while post is not None and post.thread_id < thread.pk:
                post = next(remaining, None)
            rows = []
            while post is not None and post.thread_id == thread.pk:
                rows.append(_post_row(post, revisions, attachments))
                post = next(remaining, None)
            exported.add(thread.pk)
            build.count("threads")
            build.count("posts", len(rows))
            build.report(len(exported) / total)
            yield {
                "id": thread.pk,
                "kind": thread.kind,
                "title": thread.title,
                "author": person(thread.author),
                "imported_author": thread.imported_author or None,
                "created_at": thread.created_at,
                "last_activity_at": thread.last_activity_at,
                "pinned": thread.pinned,
                "locked": thread.locked,
                "tags": [tag.name for tag in thread.tags.all()],
                "ask_state": thread.ask_state or None,
                "what_the_asker_learned": thread.summary or None,
                "posts": rows,
            }

    build.writer.write_json("threads.json", {"threads": StreamedList(thread_rows())})
    build.writer.write_chunks("conversations.mbox", archives.iter_mbox(community, reader=reader))


# --- Meetings -------------------------------------------------------------------------


def meetings(build: Build) -> None:
    community, reader = build.community, build.reader
    found = list(
        Meeting.objects.filter(permissions.visible_meetings_q(reader), community=community)
        .select_related("community", "host_organisation", "host_contact", "organiser", "series")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("presenter", "topic").order_by(
                    "position", "id"
                ),
            ),
            Prefetch(
                "rsvps",
                queryset=Rsvp.objects.select_related("user", "delegated_from").order_by(
                    "answered_at", "id"
                ),
            ),
            Prefetch(
                "materials",
                queryset=Material.objects.select_related("uploaded_by").order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
            Prefetch("summary_comments", queryset=SummaryComment.objects.select_related("author")),
        )
        .order_by("starts_at", "id")
    )
    feedback = _grouped(
        PresentationFeedback.objects.filter(agenda_item__meeting__in=found)
        .select_related("author")
        .order_by("agenda_item_id", "created_at", "id"),
        "agenda_item_id",
    )
    rows = []
    for index, meeting in enumerate(found):
        permissions.know_presenters(
            meeting, (i.presenter_id for i in meeting.agenda_items.all() if i.presenter_id)
        )
        rows.append(_meeting_row(build, meeting, feedback))
        build.report((index + 1) / max(1, len(found)))
    series = [
        {
            "id": s.pk,
            "title": s.title,
            "rule": s.rrule,
            "first_date": s.first_date,
            "start_time": s.start_time,
            "minutes": s.duration_minutes,
            "time_zone": s.time_zone,
            "format": s.format,
            "capacity": s.capacity,
            "created_by": person(s.created_by),
            "ended_at": s.ended_at,
        }
        for s in MeetingSeries.objects.filter(community=community)
        .select_related("created_by")
        .order_by("first_date", "id")
    ]
    hosts = []
    if permissions.can(reader, "community.schedule_meetings", community):
        hosts = [
            {"organisation": o.organisation.name, "willing": o.willing, "note": o.note}
            for o in HostOffer.objects.filter(community=community).select_related("organisation")
        ]
    build.writer.write_json(
        "meetings.json", {"series": series, "meetings": rows, "host_offers": hosts}
    )
    build.writer.write_chunks(
        "meetings.ics",
        [
            ics.meetings_calendar(
                gettext("%(community)s: meetings") % {"community": community.name}, found, reader
            )
        ],
    )
    build.exported["meetings"] = {m.pk for m in found}
    build.count("meetings", len(found))


def _meeting_row(build: Build, meeting, feedback) -> dict:
    reader = build.reader
    whole = permissions.can(reader, "meeting.view_whole", meeting)
    logistics = permissions.can(reader, "meeting.view_logistics", meeting)
    attendees = permissions.can(reader, "meeting.view_attendees", meeting)
    dietary = permissions.can(reader, "meeting.view_dietary", meeting)
    feedback_shown = permissions.can(reader, "meeting.view_feedback", meeting)
    manages = permissions.can(reader, "meeting.manage", meeting)
    agenda = []
    for item in meeting.agenda_items.all():
        if not whole and item.presenter_id != reader.pk:
            continue
        agenda.append(
            {
                "title": item.title,
                "presenter": person(item.presenter),
                "minutes": item.minutes,
                "notes": item.notes,
                "topic": item.topic.title if item.topic else None,
                "feedback_shared_at": item.feedback_shared_at,
                "feedback": [
                    {
                        "usefulness": f.usefulness,
                        "comment": f.comment,
                        "author": person(f.author),
                        "given_at": f.created_at,
                    }
                    for f in feedback.get(item.pk, [])
                ]
                if feedback_shown
                else [],
            }
        )
    materials = []
    for material in meeting.materials.all():
        if not permissions.can(reader, "material.download", material):
            continue
        path = build.add_file(
            f"materials/{material.pk}",
            material.file,
            material.original_name,
            material.content_type,
            material.size,
        )
        materials.append(
            {
                "name": material.original_name,
                "content_type": material.content_type,
                "bytes": material.size,
                "uploaded_by": person(material.uploaded_by),
                "uploaded_at": material.created_at,
                "path": path,
            }
        )
        build.count("materials")
    if meeting.summary_is_published:
        summary, draft = meeting.summary_markdown, None
    else:
        summary, draft = None, (meeting.summary_markdown or None) if manages else None
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "kind": meeting.kind,
        "status": meeting.status,
        "cancel_reason": meeting.cancel_reason or None,
        "series": meeting.series_id,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "time_zone": meeting.time_zone,
        "format": meeting.format,
        "description": meeting.description if whole else None,
        "host_organisation": meeting.host_organisation.name if meeting.host_organisation else None,
        "host_contact": person(meeting.host_contact) if logistics else None,
        "address": meeting.address if logistics else None,
        "web_link": meeting.web_link if logistics else None,
        "dinner_venue": meeting.dinner_venue if logistics else None,
        "capacity": meeting.capacity,
        "rsvp_deadline": meeting.rsvp_deadline,
        "organiser": person(meeting.organiser),
        "agenda": agenda,
        "answers": [
            {
                "person": person(r.user),
                "answer": r.answer,
                "place": r.place or None,
                "dinner": r.dinner,
                "dinner_note": r.dinner_note if dietary else None,
                "dietary_needs": r.dietary_needs if dietary else None,
                "in_place_of": person(r.delegated_from),
                "attended": r.attended,
                "answered_at": r.answered_at,
            }
            for r in meeting.rsvps.all()
        ]
        if attendees
        else [],
        "materials": materials,
        "summary": summary,
        "summary_published_at": meeting.summary_published_at,
        "summary_draft": draft,
        "summary_comments": [
            {"author": person(c.author), "body": c.body, "written_at": c.created_at}
            for c in meeting.summary_comments.all()
        ]
        if whole
        else [],
        "action_items": [
            {
                "text": a.text,
                "owner": person(a.owner),
                "due_on": a.due_on,
                "done_at": a.done_at,
            }
            for a in meeting.action_items.all()
        ]
        if whole
        else [],
    }


# --- Topics and norms ----------------------------------------------------------------


def topics_and_norms(build: Build) -> None:
    community, reader = build.community, build.reader
    topics = []
    if permissions.can(reader, "community.read", community):
        topics = [
            {
                "id": t.pk,
                "title": t.title,
                "why": t.why,
                "area": t.area or None,
                "proposed_by": person(t.proposed_by),
                "status": t.status,
                # How many voted; who voted is on no page, so in no archive.
                "votes": t.vote_count,
                "created_at": t.created_at,
                "status_changed_at": t.status_changed_at,
            }
            for t in Topic.objects.filter(community=community)
            .select_related("proposed_by")
            .order_by("created_at", "id")
        ]
    build.writer.write_json("topics.json", {"topics": topics})
    build.count("topics", len(topics))
    acceptances = permissions.can(reader, "community.view_norms_acceptance", community)
    versions = NormsVersion.objects.filter(community=community).select_related("published_by")
    if acceptances:
        versions = versions.prefetch_related("acceptances__user")
    rows = [
        {
            "number": v.number,
            "body": v.body,
            "change_note": v.change_note,
            "published_by": person(v.published_by),
            "published_at": v.published_at,
            "accepted_by": [
                {"person": person(a.user), "accepted_at": a.accepted_at}
                for a in sorted(v.acceptances.all(), key=lambda a: (a.accepted_at, a.pk))
            ]
            if acceptances
            else None,
        }
        for v in versions.order_by("number")
    ]
    build.writer.write_json("norms.json", {"versions": rows})
    build.count("norms_versions", len(rows))


# --- The library ----------------------------------------------------------------------


def library(build: Build) -> None:
    community, reader = build.community, build.reader
    items = list(
        LibraryItem.objects.filter(
            permissions.readable_items_q(reader), community=community, removed_at__isnull=True
        )
        .select_related("created_by", "adapted_from__community")
        .prefetch_related(
            "tags",
            "authors",
            Prefetch(
                "versions",
                queryset=ItemVersion.objects.select_related("created_by").order_by("number"),
            ),
            "reuses__person",
        )
        .order_by("created_at", "id")
    )
    reusers = permissions.viewable_people_ids(
        reader, {r.person_id for item in items for r in item.reuses.all()}
    )
    rows = []
    for index, item in enumerate(items):
        versions = []
        for version in item.versions.all():
            path = None
            if version.file:
                path = build.add_file(
                    f"library/{item.pk}/version-{version.number}",
                    version.file,
                    version.original_name,
                    version.content_type,
                    version.size,
                )
            versions.append(
                {
                    "number": version.number,
                    "change_note": version.change_note,
                    "text": version.body_markdown or None,
                    "file": (
                        {
                            "name": version.original_name,
                            "content_type": version.content_type,
                            "bytes": version.size,
                            "path": path,
                        }
                        if version.file
                        else None
                    ),
                    "created_by": person(version.created_by),
                    "created_at": version.created_at,
                }
            )
        original = item.adapted_from
        rows.append(
            {
                "id": item.pk,
                "kind": item.kind,
                "title": item.title,
                "description": item.description,
                "topic_areas": item.topic_areas,
                "tags": [tag.name for tag in item.tags.all()],
                "link_url": item.link_url or None,
                "meeting": item.meeting_id
                if item.meeting_id in build.exported.get("meetings", ())
                else None,
                "source_thread": item.source_thread_id
                if item.source_thread_id in build.exported.get("threads", ())
                else None,
                # The original's title only where the reader may read it.
                "adapted_from": original.title
                if original is not None and permissions.can(reader, "library_item.read", original)
                else None,
                "adapted_credit": item.adapted_credit or None,
                "sharing": item.sharing,
                "authors": [
                    {"name": a.name, "organisation": a.organisation_name or None}
                    for a in item.authors.all()
                ],
                "created_by": person(item.created_by),
                "created_at": item.created_at,
                "updated_at": item.updated_at,
                "versions": versions,
                "reuses": [
                    {
                        "person": person(r.person) if r.person_id in reusers else None,
                        "note": r.note,
                        "hours_saved": r.hours_saved,
                        "at": r.created_at,
                    }
                    for r in item.reuses.all()
                ],
            }
        )
        build.report((index + 1) / max(1, len(items)))
    build.writer.write_json("library.json", {"items": rows})
    build.exported["library_items"] = {item.pk for item in items}
    build.count("library_items", len(rows))


# --- Decisions -------------------------------------------------------------------------


def decisions(build: Build) -> None:
    community, reader = build.community, build.reader
    proposals = [
        p
        for p in Proposal.objects.filter(community=community)
        .select_related("community", "proposed_by", "outcome_by", "nominee")
        .prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.select_related("user")
                .prefetch_related("replies__author")
                .order_by("created_at", "id"),
            ),
            "revisions__revised_by",
            "nudges__sent_by",
        )
        .order_by("created_at", "id")
        if permissions.can(reader, "proposal.read", p)
    ]
    polls = [
        p
        for p in DatePoll.objects.filter(community=community)
        .select_related("community", "proposed_by")
        .prefetch_related(
            Prefetch(
                "options",
                queryset=DateOption.objects.prefetch_related("answers__user").order_by(
                    "starts_at", "id"
                ),
            )
        )
        .order_by("created_at", "id")
        if permissions.can(reader, "poll.read", p)
    ]
    amendments = [
        a
        for a in Amendment.objects.filter(community=community)
        .select_related("community", "proposed_by", "decided_by")
        .prefetch_related("comments__author")
        .order_by("created_at", "id")
        if permissions.can(reader, "amendment.read", a)
    ]
    nominations = [
        n
        for n in PeerNomination.objects.filter(community=community)
        .select_related("community", "nominated_by", "decided_by")
        .order_by("created_at", "id")
        if permissions.can(reader, "nomination.read", n)
    ]
    build.writer.write_json(
        "decisions.json",
        {
            "proposals": [_proposal_row(p) for p in proposals],
            "date_polls": [
                {
                    "id": poll.pk,
                    "title": poll.title,
                    "details": poll.details,
                    "purpose": poll.purpose,
                    "minutes": poll.duration_minutes,
                    "time_zone": poll.time_zone,
                    "status": poll.status,
                    "proposed_by": person(poll.proposed_by),
                    "created_at": poll.created_at,
                    "decided_at": poll.decided_at,
                    "chosen": poll.chosen.starts_at if poll.chosen_id else None,
                    "options": [
                        {
                            "starts_at": option.starts_at,
                            "answers": [
                                {"person": person(a.user), "answer": a.answer}
                                for a in option.answers.all()
                            ],
                        }
                        for option in poll.options.all()
                    ],
                }
                for poll in polls
            ],
            "amendments": [
                {
                    "id": a.pk,
                    "section": a.section,
                    "base_version": a.base_version,
                    "text": a.text,
                    "why": a.note,
                    "status": a.status,
                    "proposed_by": person(a.proposed_by),
                    "created_at": a.created_at,
                    "decided_by": person(a.decided_by),
                    "decided_at": a.decided_at,
                    "comments": [
                        {"author": person(c.author), "body": c.body, "written_at": c.created_at}
                        for c in a.comments.all()
                    ],
                }
                for a in amendments
            ],
            "peer_nominations": [
                {
                    "name": n.name,
                    "email": n.email,
                    "reason": n.reason,
                    "status": n.status,
                    "nominated_by": person(n.nominated_by),
                    "created_at": n.created_at,
                    "decided_by": person(n.decided_by),
                    "decision_note": n.decision_note,
                    "decided_at": n.decided_at,
                }
                for n in nominations
            ],
            "norms_reviews": [
                {"norms_version": r.norms_version, "reminded_at": r.reminded_at}
                for r in NormsReview.objects.filter(community=community).order_by("reminded_at")
            ],
        },
    )
    build.count("proposals", len(proposals))
    build.count("date_polls", len(polls))
    build.count("amendments", len(amendments))


def _proposal_row(p) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "body": p.body,
        "kind": p.kind,
        "rule": p.rule,
        "deadline": p.deadline,
        "quorum": p.quorum,
        "status": p.status,
        "revision": p.revision,
        "proposed_by": person(p.proposed_by),
        "created_at": p.created_at,
        "closed_at": p.closed_at,
        "result": p.result,
        "outcome": p.outcome or None,
        "outcome_by": person(p.outcome_by),
        "outcome_at": p.outcome_at,
        "review_on": p.review_on,
        "norms_text": p.norms_text or None,
        "new_purpose": p.new_purpose or None,
        "new_goals": p.new_goals or None,
        "new_visibility": p.new_visibility or None,
        "new_listed": p.new_listed,
        "nominee": person(p.nominee),
        "nominee_accepted": p.nominee_accepted,
        "earlier_versions": [
            {
                "number": r.number,
                "title": r.title,
                "body": r.body,
                "norms_text": r.norms_text or None,
                "note": r.note,
                "revised_by": person(r.revised_by),
                "revised_at": r.revised_at,
            }
            for r in p.revisions.all()
        ],
        "positions": [
            {
                "person": person(position.user),
                "stance": position.stance,
                "reason": position.reason,
                "revision": position.revision,
                "by_mail": position.by_mail,
                "created_at": position.created_at,
                "updated_at": position.updated_at,
                "replies": [
                    {"author": person(r.author), "body": r.body, "written_at": r.created_at}
                    for r in position.replies.all()
                ],
            }
            for position in p.positions.all()
        ],
        # Reminders to those who had not answered: when, and to how many.
        "nudges": [
            {"sent_by": person(n.sent_by), "recipients": n.recipients, "sent_at": n.sent_at}
            for n in p.nudges.all()
        ],
    }


# --- Documentation projects --------------------------------------------------------------


def projects(build: Build) -> None:
    community, reader = build.community, build.reader
    found = [
        p
        for p in Project.objects.filter(community=community)
        .select_related("community", "started_by", "published_by")
        .prefetch_related(
            "reviewers",
            Prefetch(
                "sections",
                queryset=Section.objects.select_related("owner", "approved_by").prefetch_related(
                    "revisions__author", "comments__author"
                ),
            ),
        )
        .order_by("created_at", "id")
        if permissions.can(reader, "project.read", p)
    ]
    rows = [
        {
            "id": p.pk,
            "title": p.title,
            "goal": p.goal,
            "kind": p.kind,
            "due_on": p.due_on,
            "started_by": person(p.started_by),
            "reviewers": [person(r) for r in p.reviewers.all()],
            "created_at": p.created_at,
            "published_item": p.published_item_id
            if p.published_item_id in build.exported.get("library_items", ())
            else None,
            "published_at": p.published_at,
            "sections": [
                {
                    "title": s.title,
                    "position": s.position,
                    "owner": person(s.owner),
                    "status": s.status,
                    "text": s.body_markdown,
                    "approved_by": person(s.approved_by),
                    "approved_at": s.approved_at,
                    "revisions": [
                        {
                            "number": r.number,
                            "text": r.body_markdown,
                            "note": r.note,
                            "author": person(r.author),
                            "saved_at": r.created_at,
                        }
                        for r in sorted(s.revisions.all(), key=lambda r: r.number)
                    ],
                    "comments": [
                        {
                            "author": person(c.author),
                            "body": c.body,
                            "revision": c.revision,
                            "written_at": c.created_at,
                        }
                        for c in s.comments.all()
                    ],
                }
                for s in p.sections.all()
            ],
        }
        for p in found
    ]
    build.writer.write_json("projects.json", {"projects": rows})
    build.count("projects", len(rows))


# --- Value, trust pulses, nudges, who knows what -----------------------------------------


def value_and_health(build: Build) -> None:
    community, reader = build.community, build.reader
    stories = (
        ValueStory.objects.filter(permissions.readable_value_stories_q(reader, community))
        .select_related("author")
        .prefetch_related("threads", "meetings", "library_items")
        .order_by("created_at", "id")
    )
    exported = build.exported
    story_rows = [
        {
            "id": s.pk,
            "title": s.title,
            "story": s.story,
            "cycle": s.cycle,
            "author": person(s.author),
            "sharing": s.sharing,
            "money_saved": s.money_saved,
            "currency": s.currency or None,
            "hours_saved": s.hours_saved,
            "risk_avoided": s.risk_avoided or None,
            # Links only to what this archive holds.
            "threads": [t.pk for t in s.threads.all() if t.pk in exported.get("threads", ())],
            "meetings": [m.pk for m in s.meetings.all() if m.pk in exported.get("meetings", ())],
            "library_items": [
                i.pk for i in s.library_items.all() if i.pk in exported.get("library_items", ())
            ],
            "created_at": s.created_at,
            "updated_at": s.updated_at,
        }
        for s in stories
    ]
    build.writer.write_json("value_stories.json", {"stories": story_rows})
    build.count("value_stories", len(story_rows))

    pulse_rows = []
    if permissions.can(reader, "community.view_pulses", community):
        for pulse in Pulse.objects.filter(community=community).order_by("opens_on", "id"):
            results = results_for(reader, pulse)
            pulse_rows.append(
                {
                    "opens_on": pulse.opens_on,
                    "closes_on": pulse.closes_on,
                    "cancelled": pulse.cancelled_at is not None,
                    "open_question": pulse.open_question,
                    "show_results_from": pulse.threshold,
                    # Only what the pulse's page shows: results of a closed
                    # pulse that enough people answered. Never who answered.
                    "results": (
                        {
                            "answers": results.answers,
                            "statements": [
                                {
                                    "statement": s.text,
                                    "counts_1_to_5": list(s.counts),
                                    "mean": s.mean,
                                }
                                for s in results.statements
                            ],
                            "open_answers": results.open_answers,
                        }
                        if results is not None
                        else None
                    ),
                }
            )
    build.writer.write_json("pulses.json", {"pulses": pulse_rows})
    build.count("pulses", len(pulse_rows))

    nudges = [
        n
        for n in Nudge.objects.filter(community=community, sent_by=reader)
        .select_related("community", "member")
        .order_by("sent_at", "id")
        if permissions.can(reader, "nudge.read", n)
    ]
    build.writer.write_json(
        "nudges.json",
        {
            "nudges": [
                {"to": person(n.member), "body": n.body, "sent_at": n.sent_at} for n in nudges
            ]
        },
    )
    build.count("nudges", len(nudges))

    expertise = [
        {"person": person(e.person), "subject": e.subject, "level": e.level}
        for e in Expertise.objects.filter(
            permissions.shared_community_q(reader), community=community
        )
        .select_related("person")
        .order_by("slug", "id")
    ]
    build.writer.write_json("expertise.json", {"expertise": expertise})
    build.count("expertise", len(expertise))


STEPS = [
    Step(gettext_noop("The community and its members"), community_and_members),
    Step(gettext_noop("Conversations and their files"), conversations),
    Step(gettext_noop("Meetings and their materials"), meetings),
    Step(gettext_noop("Topics and norms"), topics_and_norms),
    Step(gettext_noop("The library and its files"), library),
    Step(gettext_noop("Decisions"), decisions),
    Step(gettext_noop("Documentation projects"), projects),
    Step(gettext_noop("Value stories, trust pulses and who knows what"), value_and_health),
]
