"""Documentation projects as a group of results on the search page
(`copse.search.sources`), confined by `selectors.search_projects`."""

from django.utils.translation import gettext, gettext_lazy

from copse.projects.selectors import search_projects
from copse.search.index import passage
from copse.search.sources import COUNT_CAP, Found, Hit, Source


def _words(query) -> str:
    # Each group's terms are alternatives; the projects' match asks for every
    # word, so each group contributes its first term.
    return " ".join(group[0] for group in query.groups if group)


def find_projects(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    projects = search_projects(viewer, _words(query), limit=COUNT_CAP + 1)
    if filters.community:
        projects = [p for p in projects if p.community.slug == filters.community]
    count = len(projects)
    page = projects[offset : offset + limit]
    hits = [
        Hit(
            title=project.title,
            url=project.get_absolute_url(),
            excerpt=passage([project.goal], query),
            meta=[project.community.name],
            when=project.updated_at,
            badge=gettext("Documentation project"),
            obj=project,
        )
        for project in page
    ]
    return Found(
        hits=hits,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        has_more=count > offset + limit,
    )


PROJECTS = Source(
    key="projects", label=gettext_lazy("Documentation projects"), find=find_projects, order=30
)
