"""The meeting page, its parts rendered from a cache.

What a meeting page shows below its header is the same for everyone who
stands alike towards it, until the meeting or one of its parts changes. So
the page keeps two things in the per-process "template_fragments" cache:

- its outline, the same for every viewer: the agenda with its presenters,
  the first names of who is coming (and how many in all), the files, the
  action items, the comments on a draft summary, the feedback, and the
  description rendered from Markdown. Keyed by the meeting, its `version`
  (raised by every write to a part, meetings/versions.py) and its
  `updated_at` (moved by every save of the meeting itself).
- the rendering of the agenda, feedback, who is coming, materials, summary
  and action items, keyed by the same and by everything that decides what
  the viewer may see or do there: each of the page's permissions, their
  standing's role and status, site admin or not, their time zone, whether
  the meeting has started or ended, and their user id only when the part
  holds something of their own (their presentation, file, action item or
  feedback), so that members alike share one rendering. An organiser's
  rendering holds the forms, whose choices (members, topics) follow the
  community's `home_version`, so that is part of their key.

The header and the "Are you coming?" section are the viewer's own and are
rendered on every view, from the viewer's answer read with the meeting.
Forms in the cached rendering carry a stand-in for the CSRF token, put right
on every view. Permission to see the meeting at all is checked before the
rendering is looked up.

See "The meeting page from a cache" in docs/decisions.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from copse.core import permissions
from copse.core.markdown import render_markdown
from copse.meetings import forms, selectors
from copse.meetings.models import Meeting, PresentationFeedback, Rsvp

# What no version follows (a presenter's or member's new name, a newly
# verified organisation) shows within this time, as on thread pages.
KEEP_SECONDS = 600
CSRF_STAND_IN = "copse-csrf-stand-in"

ACTIONS = (
    "view_whole",
    "view_logistics",
    "view_attendees",
    "rsvp",
    "send_delegate",
    "manage",
    "view_dietary",
    "upload_material",
    "give_feedback",
    "view_feedback",
    "comment_summary",
)


def _cache():
    return caches["template_fragments"]


def _key(meeting: Meeting, *parts) -> str:
    return "meeting-page:" + ":".join(
        # created_at: a database restored or rebuilt may reuse an id and a version.
        str(part)
        for part in (
            meeting.pk,
            meeting.created_at.timestamp(),
            meeting.version,
            meeting.updated_at.timestamp(),
            # What the page says around the meeting is in the reader's language.
            translation.get_language(),
            *parts,
        )
    )


@dataclass
class Outline:
    """What the meeting page shows of its parts, the same for every viewer."""

    description_html: str
    agenda: list
    people: selectors.People
    materials: list = field(default_factory=list)
    action_items: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    feedback: list = field(default_factory=list)

    @property
    def presenter_ids(self) -> set:
        return {item.presenter_id for item in self.agenda if item.presenter_id}

    @property
    def persons(self) -> set:
        """Whoever has something of their own in the parts: their controls
        or their feedback show only to them."""
        return (
            self.presenter_ids
            | {m.uploaded_by_id for m in self.materials}
            | {a.owner_id for a in self.action_items}
            | {f.author_id for f in self.feedback}
        )


@dataclass(frozen=True)
class Index:
    """The little of the outline that every view needs, kept apart so that a
    view whose rendering is cached does not unpickle the whole outline."""

    description_html: str
    presenter_ids: frozenset
    persons: frozenset


def outline(meeting: Meeting) -> Outline:
    key = _key(meeting, "outline")
    found = _cache().get(key)
    if found is None:
        found = _read_outline(meeting)
        _cache().set(key, found, KEEP_SECONDS)
    return found


def index(meeting: Meeting) -> Index:
    key = _key(meeting, "index")
    found = _cache().get(key)
    if found is None:
        whole = outline(meeting)
        found = Index(
            description_html=whole.description_html,
            presenter_ids=frozenset(whole.presenter_ids),
            persons=frozenset(whole.persons),
        )
        _cache().set(key, found, KEEP_SECONDS)
    return found


def _read_outline(meeting: Meeting) -> Outline:
    """Six statements, whatever the number of answers, files or comments."""
    found = Outline(
        description_html=render_markdown(meeting.description) if meeting.description else "",
        agenda=list(
            meeting.agenda_items.select_related("presenter__organisation", "topic").order_by(
                "position", "id"
            )
        ),
        people=selectors.people_preview(meeting),
        materials=list(meeting.materials.select_related("uploaded_by", "agenda_item")),
        action_items=list(meeting.action_items.select_related("owner")),
    )
    if not meeting.summary_is_published:
        found.comments = list(meeting.summary_comments.select_related("author"))
    found.feedback = list(
        PresentationFeedback.objects.filter(agenda_item__meeting=meeting)
        .select_related("author", "agenda_item")
        .order_by("agenda_item__position", "-created_at")
    )
    return found


@dataclass
class MeetingPage:
    """Everything the meeting page shows, decided for one viewer."""

    meeting: Meeting
    index: Index
    may: dict
    my_rsvp: Rsvp | None = None
    # The parts below are filled by `load_parts`, only when they are rendered.
    outline: Outline | None = None
    agenda: list = field(default_factory=list)
    agenda_minutes: int = 0
    people: selectors.People | None = None
    materials: list = field(default_factory=list)
    action_items: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    feedback: list = field(default_factory=list)
    feedback_by_item: dict = field(default_factory=dict)
    my_feedback: dict = field(default_factory=dict)
    # Feedback shared with the viewer on their own presentations, by agenda item.
    shared_with_me: dict = field(default_factory=dict)
    delegates: list = field(default_factory=list)
    sent_delegates: list = field(default_factory=list)
    over: bool = False
    started: bool = False

    @property
    def asks_rsvp(self) -> bool:
        """The "Are you coming?" section shows."""
        return (self.may["rsvp"] or self.may["send_delegate"]) and not self.over


def meeting_page(viewer, meeting: Meeting) -> MeetingPage:
    """The page for `viewer`, who may view `meeting` (checked by the caller
    after `know_presenters`). No query when the meeting's index is cached,
    but for the viewer's delegates when they have one and the meeting is to
    come; `load_parts` adds the parts (from the cache too)."""
    found = index(meeting)
    know_presenters(meeting, found)
    may = {action: permissions.can(viewer, f"meeting.{action}", meeting) for action in ACTIONS}
    now = timezone.now()
    page = MeetingPage(
        meeting=meeting,
        index=found,
        may=may,
        my_rsvp=getattr(meeting, "my_rsvp", None),
        over=meeting.ends_at <= now,
        started=meeting.starts_at <= now,
    )
    if may["view_whole"] and page.asks_rsvp and getattr(meeting, "viewer_has_delegate", True):
        _delegates(viewer, page)
    return page


def load_parts(viewer, page: MeetingPage) -> MeetingPage:
    """What the cached parts show, for `viewer`."""
    meeting, may = page.meeting, page.may
    found = page.outline = outline(meeting)
    items = found.agenda
    if not may["view_whole"]:
        # A guest presenter sees only what they present.
        items = [item for item in items if item.presenter_id == viewer.pk]
    for item in items:
        item.meeting = meeting
    page.agenda = items
    page.agenda_minutes = sum(item.minutes for item in items)
    if may["view_attendees"]:
        page.people = found.people
    if may["view_whole"]:
        page.materials = found.materials
        page.action_items = found.action_items
        page.comments = found.comments
    elif viewer.is_authenticated:
        page.materials = [m for m in found.materials if m.uploaded_by_id == viewer.pk]
    if may["give_feedback"]:
        page.my_feedback = {f.agenda_item_id: f for f in found.feedback if f.author_id == viewer.pk}
    if may["view_feedback"]:
        page.feedback = found.feedback
        for one in found.feedback:
            page.feedback_by_item.setdefault(one.agenda_item_id, []).append(one)
    _shared_with(viewer, page)
    return page


def know_presenters(meeting: Meeting, found: Index) -> None:
    """Tell the permission core who presents (a guest presenter's view
    depends on it) from the outline, sparing its own query."""
    permissions.know_presenters(meeting, found.presenter_ids)


def _shared_with(viewer, page: MeetingPage) -> None:
    shared = {
        item.pk
        for item in page.agenda
        if item.presenter_id == viewer.pk
        and permissions.can(viewer, "agenda_item.read_shared_feedback", item)
    }
    if not shared:
        return
    # Only what the presenter may read: copies without the author, so no
    # name can reach the page.
    ordered = sorted(
        (f for f in page.outline.feedback if f.agenda_item_id in shared),
        key=lambda f: (-f.usefulness, f.created_at),
    )
    for one in ordered:
        page.shared_with_me.setdefault(one.agenda_item_id, []).append(
            PresentationFeedback(
                agenda_item_id=one.agenda_item_id, usefulness=one.usefulness, comment=one.comment
            )
        )


def _delegates(viewer, page: MeetingPage) -> None:
    from copse.memberships.models import Membership

    meeting = page.meeting
    page.delegates = [
        m.user
        for m in Membership.objects.filter(
            community_id=meeting.community_id,
            role="delegate",
            status="active",
            principal__user=viewer,
        ).select_related("user")
    ]
    if page.delegates:
        page.sent_delegates = list(
            Rsvp.objects.filter(
                meeting=meeting,
                delegated_from=viewer,
                place__in=(Rsvp.Place.GOING, Rsvp.Place.WAITLISTED),
            )
            .select_related("user")
            .order_by("waitlisted_at", "answered_at", "id")
        )


# --- The cached rendering -------------------------------------------------------------


def _viewer_key(user, page: MeetingPage) -> str:
    meeting = page.meeting
    standing = permissions.standing(user, meeting.community)
    membership = standing.membership
    user_id = getattr(user, "pk", None)
    own = not page.may["view_whole"] or user_id in page.index.persons
    parts = (
        tuple(page.may[action] for action in ACTIONS),
        getattr(user, "is_superuser", False),
        getattr(user, "is_staff", False),
        membership.role if membership else None,
        membership.status if membership else None,
        getattr(user, "time_zone", None),
        page.over,
        page.started,
        meeting.community_id,
        meeting.community.slug,
        # The organisers' forms list the community's members and topics.
        meeting.community.home_version if page.may["manage"] else None,
        user_id if own else None,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def parts_html(request, page: MeetingPage, forms_in_error: dict | None = None) -> str:
    """The agenda, feedback, who is coming, materials, summary and action
    items, as HTML for this viewer: from the cache unless a form is being
    shown again with its errors."""
    if forms_in_error:
        html = _render(request.user, page, forms_in_error)
    else:
        key = _key(page.meeting, _viewer_key(request.user, page))
        html = _cache().get(key)
        if html is None:
            html = _render(request.user, page, {})
            _cache().set(key, html, KEEP_SECONDS)
    html = html.replace(CSRF_STAND_IN, get_token(request))
    # Rendered by the template engine, which escaped it; the token is alphanumeric.
    return mark_safe(html)  # noqa: S308


def _render(user, page: MeetingPage, forms_in_error: dict) -> str:
    load_parts(user, page)
    context = {
        "community": page.meeting.community,
        "meeting": page.meeting,
        "page": page,
        "may": page.may,
        "user": user,
        "over": page.over,
        "started": page.started,
        "csrf_token": CSRF_STAND_IN,
        **part_forms(user, page),
    }
    feedback_form = forms_in_error.pop("feedback_form", None)
    if feedback_form is not None:
        context["feedback_forms"][forms_in_error.pop("feedback_item")] = feedback_form
    context.update(forms_in_error)
    return render_to_string("meetings/_meeting_parts.html", context)


def agenda_form(user, meeting: Meeting, data=None) -> forms.AgendaItemForm:
    from copse.topics.selectors import proposed_topics

    return forms.AgendaItemForm(
        data,
        topics=proposed_topics(user, meeting.community),
        presenters=selectors.presenter_candidates(meeting.community),
    )


def part_forms(user, page: MeetingPage) -> dict:
    """The forms of the cached parts, built only when they are rendered."""
    meeting, may = page.meeting, page.may
    built = {}
    if may["manage"]:
        built["agenda_form"] = agenda_form(user, meeting)
        built["action_form"] = forms.ActionItemForm(
            members=selectors.seated_users(meeting.community)
        )
        summary_form = (
            forms.SummaryRevisionForm if meeting.summary_is_published else forms.SummaryForm
        )
        built["summary_form"] = summary_form(initial={"summary": meeting.summary_markdown})
    if may["upload_material"]:
        built["material_form"] = forms.MaterialForm(items=page.agenda)
    if may["comment_summary"]:
        built["comment_form"] = forms.CommentForm()
    built["feedback_forms"] = {}
    if may["give_feedback"]:
        # One form per presentation, prefixed so that field ids stay unique.
        built["feedback_forms"] = {
            item.pk: forms.FeedbackForm(prefix=f"feedback-{item.pk}")
            for item in page.agenda
            if item.presenter_id and item.presenter_id != user.pk
        }
    return built
