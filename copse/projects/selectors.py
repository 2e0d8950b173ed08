"""Reads of documentation projects, always as seen by one viewer.

Pages run a fixed number of queries whatever a project's size: sections come
with their owners in one query, comment counts are kept on the section, and
a section's history is read a keyset page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext

from copse.core import cursors, permissions
from copse.memberships.models import Membership
from copse.projects.models import Project, Section, SectionComment, SectionRevision

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 20


@dataclass
class Page:
    items: list = field(default_factory=list)
    next_cursor: str = ""


def _with_people(queryset):
    return queryset.select_related(
        "community", "started_by", "published_item", "published_by"
    ).prefetch_related(
        Prefetch("reviewers", queryset=get_user_model().objects.order_by("display_name", "id"))
    )


def projects_for(viewer, community, *, after: str | None = None) -> Page:
    """The community's projects, most recently active first, one keyset page
    at a time, each with how many of its sections are approved. One query."""
    permissions.require_or_404(viewer, "community.read", community)
    queryset = Project.objects.filter(community=community).annotate(
        section_count=Count("sections"),
        approved_count=Count("sections", filter=Q(sections__status=Section.Status.APPROVED)),
    )
    position = cursors.parse(after, cursors.MOMENT, cursors.INT)
    if position is not None:
        moment, project_id = position
        queryset = queryset.filter(
            Q(updated_at__lt=moment) | Q(updated_at=moment, pk__lt=project_id)
        )
    rows = list(
        queryset.select_related("community", "published_item").order_by("-updated_at", "-id")[
            : PAGE_SIZE + 1
        ]
    )
    page = Page(items=rows[:PAGE_SIZE])
    if len(rows) > PAGE_SIZE:
        last = page.items[-1]
        page.next_cursor = f"{last.updated_at.isoformat()}|{last.pk}"
    return page


def project_for(viewer, slug: str, project_id: int) -> Project:
    """The project, or 404 when the viewer may not read it, it is missing or
    it belongs to another community than the address says."""
    project = _with_people(Project.objects.filter(pk=project_id, community__slug=slug)).first()
    if project is None:
        raise Http404
    permissions.require_or_404(viewer, "project.read", project)
    return project


def section_for(viewer, slug: str, project_id: int, section_id: int) -> Section:
    project = project_for(viewer, slug, project_id)
    section = (
        Section.objects.filter(pk=section_id, project=project)
        .select_related("owner", "revised_by", "approved_by")
        .first()
    )
    if section is None:
        raise Http404
    section.project = project
    return section


def sections_of(project: Project) -> list[Section]:
    sections = list(
        project.sections.select_related("owner", "owner__organisation", "revised_by", "approved_by")
        .defer("body_html")
        .order_by("position", "id")
    )
    for section in sections:
        section.project = project
    return sections


def comments_of(section: Section) -> list[SectionComment]:
    return list(section.comments.select_related("author").order_by("created_at", "id"))


def revisions_of(section: Section, *, before: str | None = None) -> Page:
    """The section's saves, newest first, a keyset page at a time."""
    queryset = section.revisions.select_related("author").defer("body_markdown")
    number = cursors.integer(before, minimum=1)
    if number is not None:
        queryset = queryset.filter(number__lt=number)
    rows = list(queryset.order_by("-number")[: HISTORY_PAGE_SIZE + 1])
    page = Page(items=rows[:HISTORY_PAGE_SIZE])
    if len(rows) > HISTORY_PAGE_SIZE:
        page.next_cursor = str(page.items[-1].number)
    return page


def revision_of(section: Section, number: str | None) -> SectionRevision | None:
    wanted = cursors.integer(number, minimum=1)
    if wanted is None:
        return None
    return section.revisions.select_related("author").filter(number=wanted).first()


def writers(community):
    """People who may own a section or review: seated members and
    facilitators (a delegate reads for someone else)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__community=community,
            memberships__status__in=Membership.SEATED,
            memberships__role__in=("member", "facilitator"),
        )
        .order_by("display_name", "id")
    )


# --- What a project needs and who wrote it -------------------------------------------


def publishing_gaps(sections) -> list[str]:
    """What stands between the project and publishing, one line per section;
    empty when every section is written and approved."""
    if not sections:
        return [gettext("Add at least one section.")]
    gaps = []
    for section in sections:
        if section.owner:
            names = {"title": section.title, "owner": section.owner.display_name}
            if not section.body_markdown:
                gaps.append(gettext("“%(title)s” (%(owner)s) has no text yet.") % names)
            elif section.status == Section.Status.DRAFTING:
                gaps.append(gettext("“%(title)s” (%(owner)s) is still being drafted.") % names)
            elif section.status == Section.Status.IN_REVIEW:
                gaps.append(gettext("“%(title)s” (%(owner)s) is waiting for review.") % names)
            continue
        names = {"title": section.title}
        if not section.body_markdown:
            gaps.append(gettext("“%(title)s” has no text yet.") % names)
        elif section.status == Section.Status.DRAFTING:
            gaps.append(gettext("“%(title)s” is still being drafted.") % names)
        elif section.status == Section.Status.IN_REVIEW:
            gaps.append(gettext("“%(title)s” is waiting for review.") % names)
    return gaps


def compose(sections) -> str:
    """The published text: the sections in order, each under its title."""
    return "\n\n".join(f"## {s.title}\n\n{s.body_markdown}" for s in sections)


def contributors(project: Project, sections) -> list:
    """Everyone to credit: the section owners in section order, then everyone
    else who saved a revision, in the order they first did. One query."""
    people = [s.owner for s in sections if s.owner is not None]
    saves = SectionRevision.objects.filter(section__project=project)
    first_save = saves.filter(author=OuterRef("pk")).order_by("id").values("id")[:1]
    writers = (
        get_user_model()
        .objects.filter(pk__in=saves.values("author_id"))
        .annotate(first_save=Subquery(first_save))
        .select_related("organisation")
        .order_by("first_save", "id")
    )
    return list(dict.fromkeys([*people, *writers]))


# --- Search ---------------------------------------------------------------------------

MAX_SEARCH_WORDS = 8


def search_projects(viewer, text: str, limit: int = 20) -> list[Project]:
    """Projects whose title, goal, or a section's title or text holds every
    word of `text`, in communities the viewer reads; most recent first. For
    the search page, which lists them beside posts and library items."""
    words = [w for w in (text or "").replace("\x00", "").split() if w][:MAX_SEARCH_WORDS]
    limit = max(0, min(int(limit), 100))
    if not words or not limit:
        return []
    queryset = Project.objects.filter(permissions.readable_q(viewer))
    for word in words[:MAX_SEARCH_WORDS]:
        word = word[:100]
        in_a_section = Section.objects.filter(project=OuterRef("pk")).filter(
            Q(title__icontains=word) | Q(body_markdown__icontains=word)
        )
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(goal__icontains=word) | Exists(in_a_section)
        )
    return list(queryset.select_related("community").order_by("-updated_at", "-id")[:limit])
