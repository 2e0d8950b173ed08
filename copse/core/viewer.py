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

from copse.core.statements import Compiled

Annotator = Callable[[QuerySet], QuerySet]
_annotators: list[Annotator] = []


def register(annotator: Annotator) -> None:
    if annotator not in _annotators:
        _annotators.append(annotator)
        forget_compiled()


def with_page_figures(users: QuerySet) -> QuerySet:
    for annotator in _annotators:
        users = annotator(users)
    return users


# Building and compiling the annotated statement costs about ten times what
# running it does (some 10 ms against 1 ms on SQLite), on every signed-in
# request. So it is compiled once per database (`core.statements`) and run
# with the user's id put in. It is compiled again every minute: an
# annotator's parameters that follow the clock (an invitation's expiry) are
# then at most a minute old, which an annotator must tolerate (the standing
# hints do: an older cutoff only makes a hint say "look" more often, and the
# look itself is exact).
RECOMPILE_SECONDS = 60
_statement: Compiled | None = None
_compiled_at = 0.0


def _signed_in_user(model):
    return lambda user_id: with_page_figures(model._default_manager.filter(pk=user_id))


def load_signed_in(model, user_id, using: str | None = None):
    """The user with every registered figure, or None: the statement of
    `with_page_figures(...).get(pk=user_id)`, compiled at most once a minute."""
    global _statement, _compiled_at
    now = time.time()
    # Again when the clock went back too (a test's frozen time).
    if _statement is None or not 0 <= now - _compiled_at < RECOMPILE_SECONDS:
        _statement, _compiled_at = Compiled(_signed_in_user(model), user_id=int), now
    rows = _statement.run(using or model._default_manager.db, user_id=int(user_id))
    return rows[0] if rows else None


def forget_compiled() -> None:
    """Compile again on the next load (after an annotator was registered)."""
    global _statement
    _statement = None
