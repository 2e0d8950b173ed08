"""The one title rule for what members put to each other (proposals, date
polls): one line, no control characters, not empty, at most MAX_TITLE."""

from django.utils.translation import gettext

from copse.core.markdown import without_control_characters

MAX_TITLE = 200


def clean_title(title: str, *, error: type[Exception], empty: str) -> str:
    """`title` on one line, or `error(empty)` / `error(too long)` to show the person."""
    title = " ".join(without_control_characters(title or "").split())
    if not title:
        raise error(empty)
    if len(title) > MAX_TITLE:
        raise error(gettext("Keep the title under %(max)s characters.") % {"max": MAX_TITLE})
    return title
