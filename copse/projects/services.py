"""Writes to documentation projects: one function per thing a person does.

Every function checks the permission core first and writes in one
transaction. Saving a section applies `merge.decide_save` with a conditional
update on the revision number, so of two saves based on the same revision
exactly one wins, on SQLite and PostgreSQL alike, and the other is refused
with both texts (`StaleSave`).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import plain_text, render_markdown
from copse.library import services as library
from copse.library.models import LibraryItem
from copse.projects import merge
from copse.projects.models import (
    PUBLISHABLE_KINDS,
    Project,
    Section,
    SectionComment,
    SectionRevision,
)
from copse.projects.selectors import compose, contributors, publishing_gaps

MAX_TITLE = 200
MAX_GOAL = 10_000
MAX_SECTION = 100_000
MAX_COMMENT = 5000
MAX_NOTE = 300
MAX_SECTIONS = 50


class ProjectError(UserFacingError):
    pass


class StaleSave(ProjectError):
    """Someone saved the section since the writer started. Carries both texts
    (the `merge.Conflict`) so the form can show theirs and keep yours."""

    title = gettext_lazy("Someone saved this section while you were writing")
    status = 409

    def __init__(self, conflict: merge.Conflict, section: Section):
        if section.revised_by:
            message = _(
                "%(name)s saved a newer version of this section while you were writing. Your "
                "text is kept below, beside theirs: merge the two and save again."
            ) % {"name": section.revised_by.display_name}
        else:
            message = _(
                "Someone saved a newer version of this section while you were writing. Your "
                "text is kept below, beside theirs: merge the two and save again."
            )
        super().__init__(message)
        self.conflict = conflict
        self.section = section


def _require(actor, action: str, obj, message: str) -> None:
    if not permissions.can(actor, action, obj):
        raise ProjectError(message)


def _clean_title(title: str, what: str) -> str:
    title = " ".join((title or "").split())[:MAX_TITLE]
    if not title:
        if what == "project":
            raise ProjectError(_("Give the project a title."))
        raise ProjectError(_("Give the section a title."))
    return title


def _clean_kind(kind: str) -> str:
    kinds = dict(PUBLISHABLE_KINDS)
    if kind not in kinds:
        raise ProjectError(
            _("Choose what the project will publish: %(kinds)s.")
            % {"kinds": ", ".join(str(label) for label in kinds.values())}
        )
    return kind


def _check_writer(community, person, what: str) -> None:
    """Owners and named reviewers hold a seat and write in their own name
    (members and facilitators; a delegate reads for someone else)."""
    if person is None:
        return
    st = permissions.standing(person, community)
    if not (st.is_seated and st.role in ("member", "facilitator")):
        if what == "review":
            message = _("%(name)s is not a member of this community, so cannot review.")
        else:
            message = _("%(name)s is not a member of this community, so cannot own a section.")
        raise ProjectError(message % {"name": person.display_name})


def _touch(project: Project) -> None:
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(updated_at=now)
    project.updated_at = now


# --- Projects -------------------------------------------------------------------------


def start_project(
    *,
    actor,
    community,
    title: str,
    goal: str = "",
    due_on: date | None = None,
    kind: str = "sop",
    section_titles=(),
    reviewers=(),
) -> Project:
    """A new project with its first sections, each owned by the starter until
    the starter gives it to someone."""
    _require(
        actor, "project.start", community, _("Only members who take part can start a project.")
    )
    title = _clean_title(title, "project")
    goal = (goal or "").strip()
    if len(goal) > MAX_GOAL:
        raise ProjectError(
            _("Keep the goal under %(count)s characters.")
            % {"count": number_format(MAX_GOAL, force_grouping=True)}
        )
    kind = _clean_kind(kind)
    titles = [_clean_title(t, "section") for t in section_titles if (t or "").strip()]
    if len(titles) > MAX_SECTIONS:
        raise ProjectError(_("A project has at most %(count)s sections.") % {"count": MAX_SECTIONS})
    reviewers = list(dict.fromkeys(reviewers))
    for person in reviewers:
        _check_writer(community, person, "review")
    with transaction.atomic():
        project = Project.objects.create(
            community=community,
            title=title,
            goal=goal,
            goal_html=render_markdown(goal) if goal else "",
            due_on=due_on,
            kind=kind,
            started_by=actor,
            updated_at=timezone.now(),
        )
        if reviewers:
            project.reviewers.set(reviewers)
        Section.objects.bulk_create(
            Section(project=project, title=t, owner=actor, position=n)
            for n, t in enumerate(titles, start=1)
        )
        record(actor=actor, action="project.started", community=community, project_id=project.pk)
    return project


def update_project(
    *,
    actor,
    project: Project,
    title: str,
    goal: str,
    due_on: date | None,
    kind: str,
    reviewers=(),
) -> Project:
    _require(
        actor,
        "project.manage",
        project,
        _("Only the project's starter and the facilitators can change it."),
    )
    project.title = _clean_title(title, "project")
    goal = (goal or "").strip()
    if len(goal) > MAX_GOAL:
        raise ProjectError(
            _("Keep the goal under %(count)s characters.")
            % {"count": number_format(MAX_GOAL, force_grouping=True)}
        )
    project.goal, project.goal_html = goal, render_markdown(goal) if goal else ""
    project.due_on = due_on
    project.kind = _clean_kind(kind)
    reviewers = list(dict.fromkeys(reviewers))
    for person in reviewers:
        _check_writer(project.community, person, "review")
    project.updated_at = timezone.now()
    with transaction.atomic():
        project.save(update_fields=["title", "goal", "goal_html", "due_on", "kind", "updated_at"])
        project.reviewers.set(reviewers)
    return project


# --- Sections -------------------------------------------------------------------------


def _place(project: Project, section: Section, position: int | None) -> None:
    """Put `section` at `position` (1 is first; None or past the end is last)
    and number the others around it."""
    others = list(project.sections.exclude(pk=section.pk).order_by("position", "id"))
    at = len(others) if position is None else max(0, min(position - 1, len(others)))
    ordered = [*others[:at], section, *others[at:]]
    for number, row in enumerate(ordered, start=1):
        row.position = number
    Section.objects.bulk_update(ordered, ["position"])


def add_section(
    *, actor, project: Project, title: str, owner, position: int | None = None
) -> Section:
    _require(
        actor,
        "project.manage",
        project,
        _("Only the project's starter and the facilitators can add sections."),
    )
    title = _clean_title(title, "section")
    _check_writer(project.community, owner, "own a section")
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        if project.sections.count() >= MAX_SECTIONS:
            raise ProjectError(
                _("A project has at most %(count)s sections.") % {"count": MAX_SECTIONS}
            )
        section = Section.objects.create(project=project, title=title, owner=owner)
        _place(project, section, position)
        _touch(project)
    return section


def update_section(
    *, actor, section: Section, title: str, owner, position: int | None = None
) -> Section:
    """Rename a section, give it to another owner or move it (`position`;
    None leaves it where it is). Its text, status and approval stay as they
    are: none of these change what it says."""
    project = section.project
    _require(
        actor,
        "project.manage",
        project,
        _("Only the project's starter and the facilitators can change sections."),
    )
    title = _clean_title(title, "section")
    _check_writer(project.community, owner, "own a section")
    with transaction.atomic():
        Section.objects.filter(pk=section.pk).update(title=title, owner=owner)
        section.title, section.owner = title, owner
        if position is not None and position != section.position:
            _place(project, section, position)
        _touch(project)
    return section


def remove_section(*, actor, section: Section) -> None:
    """Only a section nobody has written in: words, once saved, are kept."""
    _require(
        actor,
        "project.manage",
        section.project,
        _("Only the project's starter and the facilitators can remove sections."),
    )
    with transaction.atomic():
        deleted = Section.objects.filter(pk=section.pk, revision=0).delete()[0]
        if not deleted:
            raise ProjectError(
                _("Someone has written in this section, so it stays. Rename it or move it instead.")
            )
        remaining = list(section.project.sections.order_by("position", "id"))
        for number, row in enumerate(remaining, start=1):
            row.position = number
        Section.objects.bulk_update(remaining, ["position"])
        _touch(section.project)


def save_section(
    *,
    actor,
    section: Section,
    body: str,
    based_on: int,
    note: str = "",
    ready_for_review: bool = False,
) -> merge.Saved | merge.Unchanged:
    """Save a draft of `section` written on top of revision `based_on`.

    Raises StaleSave (status 409) when someone saved since; never overwrites.
    A changed text goes back to drafting (or to review, if the writer asks),
    and any approval of the earlier text lapses.
    """
    _require(
        actor,
        "project.edit_section",
        section.project,
        _("Only members who take part can write in this project."),
    )
    if len(body or "") > MAX_SECTION:
        raise ProjectError(
            _("A section holds at most %(count)s characters; split it in two.")
            % {"count": number_format(MAX_SECTION, force_grouping=True)}
        )
    note = " ".join((note or "").split())[:MAX_NOTE]
    with transaction.atomic():
        current = Section.objects.select_for_update().get(pk=section.pk)
        decision = merge.decide_save(
            current_revision=current.revision,
            current_text=current.body_markdown,
            based_on=based_on,
            submitted=body,
        )
        if isinstance(decision, merge.Conflict):
            _refresh(section)
            raise StaleSave(decision, section)
        if isinstance(decision, merge.Unchanged):
            if (
                ready_for_review
                and current.status == Section.Status.DRAFTING
                and current.body_markdown
            ):
                _set_status(section, Section.Status.IN_REVIEW)
            return decision
        now = timezone.now()
        status = Section.Status.IN_REVIEW if ready_for_review else Section.Status.DRAFTING
        if not decision.text:
            status = Section.Status.DRAFTING
        # The conditional update is the guard: of two saves on the same
        # revision, only one finds it still current (SQLite has no row locks).
        won = Section.objects.filter(pk=section.pk, revision=current.revision).update(
            body_markdown=decision.text,
            body_html=render_markdown(decision.text) if decision.text else "",
            revision=decision.revision,
            revised_by=actor,
            revised_at=now,
            status=status,
            approved_by=None,
            approved_at=None,
        )
        if not won:
            _refresh(section)
            raise StaleSave(
                merge.Conflict(
                    revision=section.revision, theirs=section.body_markdown, yours=decision.text
                ),
                section,
            )
        SectionRevision.objects.create(
            section=section,
            number=decision.revision,
            based_on=current.revision,
            body_markdown=decision.text,
            note=note,
            author=actor,
        )
        _touch(section.project)
    _refresh(section)
    return decision


def _refresh(section: Section) -> None:
    fresh = Section.objects.select_related("revised_by", "approved_by", "owner").get(pk=section.pk)
    for name in (
        "title",
        "owner",
        "status",
        "body_markdown",
        "body_html",
        "revision",
        "revised_by",
        "revised_at",
        "approved_by",
        "approved_at",
        "comment_count",
    ):
        setattr(section, name, getattr(fresh, name))


def _set_status(section: Section, status: str) -> None:
    Section.objects.filter(pk=section.pk).update(status=status, approved_by=None, approved_at=None)
    section.status, section.approved_by, section.approved_at = status, None, None
    _touch(section.project)


def ask_for_review(*, actor, section: Section) -> Section:
    _require(
        actor,
        "project.edit_section",
        section.project,
        _("Only members who take part can ask for a review."),
    )
    with transaction.atomic():
        current = Section.objects.select_for_update().get(pk=section.pk)
        if not current.body_markdown:
            raise ProjectError(_("Write something in the section before asking for a review."))
        if current.status == Section.Status.IN_REVIEW:
            raise ProjectError(_("This section is already waiting for review."))
        if current.status == Section.Status.APPROVED:
            raise ProjectError(
                _("This section is approved; change it to send it back to drafting.")
            )
        _set_status(section, Section.Status.IN_REVIEW)
    return section


def approve_section(*, actor, section: Section, revision: int) -> Section:
    """Approve the text the reviewer read (`revision`): if it changed since,
    they are asked to read it again."""
    _require(
        actor,
        "project.review",
        section.project,
        _("Only the project's reviewers can approve sections."),
    )
    with transaction.atomic():
        current = Section.objects.select_for_update().get(pk=section.pk)
        if current.revision != revision:
            raise ProjectError(_("The section changed while you were reading it; read it again."))
        if current.status != Section.Status.IN_REVIEW:
            raise ProjectError(_("Only a section in review can be approved."))
        if current.revised_by_id == actor.pk:
            raise ProjectError(
                _("You wrote the latest version of this section; someone else approves it.")
            )
        now = timezone.now()
        won = Section.objects.filter(
            pk=section.pk, revision=revision, status=Section.Status.IN_REVIEW
        ).update(status=Section.Status.APPROVED, approved_by=actor, approved_at=now)
        if not won:
            raise ProjectError(_("The section changed while you were reading it; read it again."))
        section.status, section.approved_by, section.approved_at = (
            Section.Status.APPROVED,
            actor,
            now,
        )
        _touch(section.project)
    return section


def comment_on_section(*, actor, section: Section, body: str) -> SectionComment:
    _require(
        actor,
        "project.comment",
        section.project,
        _("Only members who take part can comment in this project."),
    )
    body = (body or "").strip()
    if not body:
        raise ProjectError(_("Write the comment before sending it."))
    if len(body) > MAX_COMMENT:
        raise ProjectError(
            _("Keep a comment under %(count)s characters.")
            % {"count": number_format(MAX_COMMENT, force_grouping=True)}
        )
    with transaction.atomic():
        comment = SectionComment.objects.create(
            section=section,
            author=actor,
            body=body,
            body_html=render_markdown(body),
            revision=section.revision,
        )
        Section.objects.filter(pk=section.pk).update(comment_count=F("comment_count") + 1)
        section.comment_count += 1
        _touch(section.project)
    return comment


# --- Publishing -----------------------------------------------------------------------


def publish(*, actor, project: Project, change_note: str = "") -> LibraryItem:
    """Publish the approved sections as a library item of the project's kind,
    crediting every contributor; publishing again adds a version to it."""
    _require(
        actor,
        "project.publish",
        project,
        _("Only the community's facilitators can publish a project."),
    )
    change_note = " ".join((change_note or "").split())[:MAX_NOTE]
    with transaction.atomic():
        # One publisher at a time, so a double click makes one item.
        project = Project.objects.select_for_update().select_related("community").get(pk=project.pk)
        sections = list(
            project.sections.select_related("owner", "owner__organisation").order_by(
                "position", "id"
            )
        )
        gaps = publishing_gaps(sections)
        if gaps:
            raise ProjectError(_("Not ready to publish yet: %(gaps)s") % {"gaps": " ".join(gaps)})
        community = project.community
        people = contributors(project, sections)
        seated = [p for p in people if permissions.standing(p, community).is_seated]
        item = project.published_item
        if item is not None and item.removed_at is None:
            if not change_note:
                raise ProjectError(
                    _("Say in a few words what changed since it was last published.")
                )
            version = library.add_version(
                actor=actor, item=item, body=compose(sections), change_note=change_note
            )
        else:
            item = library.create_item(
                actor=actor,
                community=community,
                kind=project.kind,
                title=project.title,
                # An item's description is plain text; the goal is Markdown.
                description=plain_text(project.goal)[:4000],
                body=compose(sections),
                change_note=change_note or "Published from the documentation project",
                authors=seated or None,
            )
            version = item.versions.get()
        # Writers who have left since keep their credit (see library.add_authors).
        library.add_authors(actor=actor, item=item, people=people)
        now = timezone.now()
        project.published_item = item
        project.published_version = version.number
        project.published_at, project.published_by = now, actor
        project.updated_at = now
        project.save(
            update_fields=[
                "published_item",
                "published_version",
                "published_at",
                "published_by",
                "updated_at",
            ]
        )
        record(
            actor=actor,
            action="project.published",
            community=community,
            project_id=project.pk,
            item_id=item.pk,
            version=version.number,
        )
    return item
