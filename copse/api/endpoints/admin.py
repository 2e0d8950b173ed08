"""Site administration: what the programme pages show site admins, for a
token with the `admin` scope. Sizes, names and settings, never a
community's content: a site admin reads no confidential room, by token or
otherwise."""

from django.db.models import Q
from ninja import Router, Schema, Status
from pydantic import Field

from copse.api.auth import admin_auth
from copse.api.schemas import COMMON_ERRORS, WRITE_ERRORS, Input, PersonOut, person
from copse.communities.selectors import programme_rows
from copse.core import cursors, permissions
from copse.core.errors import UserFacingError
from copse.organisations import selectors as organisation_selectors
from copse.organisations import services as organisation_services
from copse.organisations.forms import OrganisationForm
from copse.organisations.models import Organisation

router = Router(tags=["site administration"], auth=admin_auth())

PAGE_SIZE = 100


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    domains: list[str]
    people: int


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next: str | None


class NewOrganisation(Input):
    name: str = Field(min_length=1, max_length=120)
    kind: Organisation.Kind = Organisation.Kind.COMPANY
    domains: list[str] = Field(default_factory=list, max_length=20)


class ProgrammeCommunityOut(Schema):
    id: int
    slug: str
    name: str
    visibility: str
    listed: bool
    member_count: int
    facilitators: list[PersonOut]
    waiting_requests: int


def _organisation(organisation) -> dict:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "domains": [domain.domain for domain in organisation.domains.all()],
        "people": getattr(organisation, "people_count", 0),
    }


@router.get(
    "/organisations",
    response={200: OrganisationPage, **COMMON_ERRORS},
    summary="Member organisations and the email domains they claim",
)
def list_organisations(request, after: str | None = None):
    organisations = organisation_selectors.organisations_for_admin(request.auth)
    position = cursors.parse(after, cursors.TEXT, cursors.INT)
    if position is not None:
        name, pk = position
        organisations = organisations.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    rows = list(organisations.order_by("name", "pk")[: PAGE_SIZE + 1])
    next_after = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_after = f"{rows[-1].name}|{rows[-1].pk}"
    return {"items": [_organisation(row) for row in rows], "next": next_after}


@router.post(
    "/organisations",
    response={201: OrganisationOut, **WRITE_ERRORS},
    summary="Add an organisation; people with a confirmed address in its domains get it at once",
)
def add_organisation(request, new: NewOrganisation):
    # The page's form checks the name, kind and each domain (free-mail
    # domains, domains another organisation claims) the same way here.
    form = OrganisationForm(
        {
            "name": new.name,
            "kind": new.kind,
            "parent_institution": "",
            "domains": "\n".join(new.domains),
        }
    )
    if not form.is_valid():
        raise UserFacingError(
            " ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        )
    organisation = organisation_services.save_organisation(
        actor=request.auth,
        organisation=form.save(commit=False),
        domains=form.cleaned_data["domains"],
    )
    organisation.people_count = organisation.people.count()
    return Status(201, _organisation(organisation))


@router.get(
    "/communities",
    response={200: list[ProgrammeCommunityOut], **COMMON_ERRORS},
    summary="Every community with its size, facilitators and waiting requests",
)
def programme(request):
    permissions.require_or_404(request.auth, "programme.manage")
    return [
        {
            "id": community.pk,
            "slug": community.slug,
            "name": community.name,
            "visibility": community.visibility,
            "listed": community.listed,
            "member_count": community.member_count,
            "facilitators": [person(user) for user in facilitators],
            "waiting_requests": waiting,
        }
        for community, facilitators, waiting in programme_rows()
    ]
