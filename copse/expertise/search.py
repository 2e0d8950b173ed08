"""Who knows what as a group of results on the search page
(`copse.search.sources`), confined by `selectors.search_expertise_page`: an entry
is found only where its person chose to show it and the viewer sits too."""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy

from copse.expertise.selectors import search_expertise_page
from copse.search.sources import COUNT_CAP, Found, Hit, Source


def _text(query) -> str:
    return " ".join(group[0] for group in query.groups if group)


def find_expertise(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    hits, count = search_expertise_page(
        viewer,
        _text(query),
        limit=limit,
        offset=offset,
        cap=COUNT_CAP + 1,
        community_slug=filters.community or None,
    )
    return Found(
        hits=[
            Hit(
                title=hit.person.display_name,
                url=reverse("people:profile", args=[hit.person.handle]),
                excerpt=mark_safe(escape(f"{hit.subject}: {hit.detail}")),  # noqa: S308
                meta=[community.name for community in hit.communities],
                badge=gettext("Experience") if hit.kind == "experience" else gettext("Expertise"),
                obj=hit.entry,
            )
            for hit in hits
        ],
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        has_more=count > offset + limit,
    )


EXPERTISE = Source(
    key="expertise", label=gettext_lazy("Who knows what"), find=find_expertise, order=40
)
