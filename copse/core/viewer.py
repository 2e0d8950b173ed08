"""What every signed-in page needs to know about its viewer, fetched in the
same statement as the viewer.

Each request loads the signed-in user once (the session names them). Figures
that every page shows or every permission check needs (is there a pending
join request or invitation to look up, how many notices are unread) are
scalar subqueries of that one statement instead of a query each. Apps add
theirs in `AppConfig.ready()` with `register`; the authentication backend
(`copse.accounts.backends`) applies them all.
"""

import time
from collections.abc import Callable

from django.db.models import QuerySet

Annotator = Callable[[QuerySet], QuerySet]
_annotators: list[Annotator] = []


def register(annotator: Annotator) -> None:
    if annotator not in _annotators:
        _annotators.append(annotator)
        _compiled.clear()


def with_page_figures(users: QuerySet) -> QuerySet:
    for annotator in _annotators:
        users = annotator(users)
    return users


# Building and compiling the annotated statement costs about ten times what
# running it does (some 10 ms against 1 ms on SQLite), on every signed-in
# request. So it is compiled once per database and run as raw SQL with the
# user's id put in. It is compiled again every minute: an annotator's
# parameters that follow the clock (an invitation's expiry) are then at most
# a minute old, which an annotator must tolerate (the standing hints do: an
# older cutoff only makes a hint say "look" more often, and the look itself
# is exact).
RECOMPILE_SECONDS = 60
# An id no user has, to find where the user's id goes among the parameters.
_PLACEHOLDER_ID = -7_070_707
_compiled: dict[str, tuple[float, str, tuple, tuple[str, ...]]] = {}


def _compile(model, using: str):
    users = with_page_figures(model._default_manager.using(using).all())
    users = users.filter(pk=_PLACEHOLDER_ID)
    sql, params = users.query.sql_with_params()
    booleans = tuple(
        name
        for name, annotation in users.query.annotations.items()
        if annotation.output_field.get_internal_type() == "BooleanField"
    )
    return sql, tuple(params), booleans


def load_signed_in(model, user_id, using: str | None = None):
    """The user with every registered figure, or None: the statement of
    `with_page_figures(...).get(pk=user_id)`, compiled at most once a minute."""
    using = using or model._default_manager.db
    now = time.time()
    compiled = _compiled.get(using)
    # Again when the clock went back too (a test's frozen time).
    if compiled is None or not 0 <= now - compiled[0] < RECOMPILE_SECONDS:
        compiled = (now, *_compile(model, using))
        _compiled[using] = compiled
    _, sql, params, booleans = compiled
    params = tuple(user_id if p == _PLACEHOLDER_ID else p for p in params)
    user = next(iter(model._default_manager.db_manager(using).raw(sql, params)), None)
    if user is not None:
        # SQLite answers EXISTS with 0 or 1; callers test `is False`.
        for name in booleans:
            setattr(user, name, bool(getattr(user, name)))
    return user


def forget_compiled() -> None:
    """Compile again on the next load (after an annotator was registered)."""
    _compiled.clear()
