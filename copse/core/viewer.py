"""What every signed-in page needs to know about its viewer, fetched in the
same statement as the viewer.

Each request loads the signed-in user once (the session names them). Figures
that every page shows or every permission check needs (is there a pending
join request or invitation to look up, how many notices are unread) are
scalar subqueries of that one statement instead of a query each. Apps add
theirs in `AppConfig.ready()` with `register`; the authentication backend
(`copse.accounts.backends`) applies them all.
"""

from collections.abc import Callable

from django.db.models import QuerySet

Annotator = Callable[[QuerySet], QuerySet]
_annotators: list[Annotator] = []


def register(annotator: Annotator) -> None:
    if annotator not in _annotators:
        _annotators.append(annotator)


def with_page_figures(users: QuerySet) -> QuerySet:
    for annotator in _annotators:
        users = annotator(users)
    return users
