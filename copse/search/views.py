"""GET /search/: full-text search over what the viewer may read, one group per source."""

from datetime import datetime, time, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from copse.core import permissions
from copse.search import selectors
from copse.search.forms import SearchForm


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


def search(request):
    form = SearchForm(request.GET or None)
    results = selectors.Everywhere()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.SearchFilters(
            community=data["community"] or "",
            kind=data["kind"] or "",
            author=data["author"] or "",
            tag=data["tag"] or "",
            since=_day_start(data["since"]),
            until=_day_start(data["until"] + timedelta(days=1)) if data["until"] else None,
            unanswered=data["unanswered"],
        )
        results = selectors.search_everywhere(
            request.user, data["q"], filters, only=data["type"] or "", page=data["page"] or 1
        )
    query = {k: v for k, v in request.GET.items() if k not in ("page", "type") and v}
    for group in results.groups:
        group.all_query = urlencode({**query, "type": group.source.key})
    if results.only:
        query["type"] = results.only
    context = {
        "form": form,
        "results": results,
        "communities": permissions.readable_communities(request.user)
        .order_by("name")
        .only("name", "slug"),
        "everything_query": urlencode({k: v for k, v in query.items() if k != "type"}),
        "next_query": urlencode({**query, "page": results.page + 1}),
        "previous_query": urlencode({**query, "page": results.page - 1}),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "search/search.html", context, status=status)
