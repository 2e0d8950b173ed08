"""Names that go into mail headers (a person's display name, a community's,
an organisation's) are one line of printable text: a line break or another
control character in one would let it write headers of its own, or stop the
message from being sent at all."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters (tab, CR, LF, NUL, NEL…) and the Unicode line and
# paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Zl", "Zp"}

MESSAGE = _(
    "Write the name on one line, without tabs or other control characters: "
    "it goes into the From line of email."
)


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in value or "")


def validate_header_name(value: str) -> None:
    """Raise a ValidationError with a message a person can act on."""
    if has_control_characters(value):
        raise ValidationError(MESSAGE, code="control_characters")


def check_header_names(instance, *fields: str) -> None:
    """For a model's `clean()`: the error is attached to the field, so a
    model form shows it beside what was typed."""
    errors = {
        field: MESSAGE for field in fields if has_control_characters(getattr(instance, field))
    }
    if errors:
        raise ValidationError(errors, code="control_characters")
