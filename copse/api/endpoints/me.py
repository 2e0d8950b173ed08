"""The caller's own profile."""

from django.contrib.auth import get_user_model
from ninja import Router, Schema
from pydantic import Field

from copse.accounts.forms import ProfileForm
from copse.accounts.models import name_or_fallback
from copse.api.schemas import COMMON_ERRORS, WRITE_ERRORS, Input
from copse.core.errors import UserFacingError

router = Router(tags=["me"])


class ProfileOrganisationOut(Schema):
    id: int
    name: str


class ProfileOut(Schema):
    id: int
    name: str
    handle: str | None
    email: str
    job_title: str
    time_zone: str
    bio: str
    organisation: ProfileOrganisationOut | None
    is_site_admin: bool


class ProfileChange(Input):
    """Send only what changes."""

    name: str = Field(default=None, max_length=80)
    job_title: str = Field(default=None, max_length=120)
    time_zone: str = Field(default=None, max_length=64)
    bio: str = Field(default=None, max_length=2000)


def _profile(user) -> dict:
    organisation = user.organisation
    return {
        "id": user.pk,
        "name": name_or_fallback(user.display_name),
        "handle": user.handle,
        "email": user.email,
        "job_title": user.job_title,
        "time_zone": str(user.time_zone),
        "bio": user.bio,
        "organisation": (
            {"id": organisation.pk, "name": organisation.name} if organisation else None
        ),
        "is_site_admin": bool(user.is_staff),
    }


def _me(request):
    User = get_user_model()
    return User.objects.select_related("organisation").get(pk=request.auth.pk)


@router.get("", response={200: ProfileOut, **COMMON_ERRORS}, summary="Your profile")
def read_profile(request):
    return _profile(_me(request))


@router.patch("", response={200: ProfileOut, **WRITE_ERRORS}, summary="Change your profile")
def change_profile(request, change: ProfileChange):
    user = _me(request)
    sent = change.dict(exclude_unset=True)
    data = {
        "display_name": sent.get("name", user.display_name),
        "job_title": sent.get("job_title", user.job_title),
        "time_zone": sent.get("time_zone", str(user.time_zone)),
        "bio": sent.get("bio", user.bio),
    }
    form = ProfileForm(data, instance=user)
    if not form.is_valid():
        raise UserFacingError(
            " ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        )
    form.save()
    return _profile(_me(request))
