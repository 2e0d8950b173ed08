"""Which language a person reads Copse in (docs/languages.md).

Pages follow the person's choice in their profile, else their browser's
language (`PersonalLanguageMiddleware`). Mail, calendar feeds and anything
else made away from that person's request follow their choice, else the
site's language: build them inside `in_language_of(recipient)`.
"""

from contextlib import AbstractContextManager

from django.conf import settings
from django.utils import translation


def chosen_language(user) -> str:
    """The language the person chose, or "" for "as my browser says"."""
    chosen = getattr(user, "language", "") or ""
    return chosen if chosen in dict(settings.LANGUAGES) else ""


def language_of(user) -> str:
    """The language to write to this person in when no browser is asking."""
    return (chosen_language(user) if user is not None else "") or settings.LANGUAGE_CODE


def in_language_of(user) -> AbstractContextManager:
    """Translate everything made inside the block into the person's language."""
    return translation.override(language_of(user))
