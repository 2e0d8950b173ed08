"""Shapes shared by every area of the API."""

from ninja import Schema
from pydantic import ConfigDict

from copse.accounts.models import name_or_fallback


class Input(Schema):
    """What a caller sends: unknown fields are refused (422), not ignored,
    so a misspelt field never silently does nothing."""

    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    detail: str


class ValidationErrors(Schema):
    detail: list[dict]


# Every endpoint may answer these besides its own.
COMMON_ERRORS = {401: Error, 403: Error, 404: Error, 429: Error}
WRITE_ERRORS = {**COMMON_ERRORS, 400: Error, 409: Error, 422: ValidationErrors}


class PersonOut(Schema):
    """A person as every area names them: never an email address."""

    id: int
    name: str
    handle: str | None


class CommunityRef(Schema):
    """A community named where an answer is about something else in it."""

    slug: str
    name: str


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": name_or_fallback(user.display_name), "handle": user.handle}
