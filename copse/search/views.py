"""GET /search/: full-text search over what the viewer may read."""

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
    results = selectors.Results()
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
        results = selectors.search(request.user, data["q"], filters, page=data["page"] or 1)
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form,
        "results": results,
        "communities": permissions.readable_communities(request.user)
        .order_by("name")
        .only("name", "slug"),
        "next_query": urlencode({**query, "page": results.page + 1}),
        "previous_query": urlencode({**query, "page": results.page - 1}),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "search/search.html", context, status=status)
