"""Reads for the site administrators' organisation pages."""

from django.db.models import Count, Prefetch

from copse.core import permissions
from copse.organisations.models import (
    Organisation,
    OrganisationDomain,
    OrganisationProvider,
    OrganisationRequest,
)


def organisations_for_admin(viewer):
    """The whole list of organisations: site administrators only."""
    permissions.require_or_404(viewer, "programme.manage")
    return (
        Organisation.objects.annotate(people_count=Count("people"))
        .prefetch_related(
            Prefetch("domains", queryset=OrganisationDomain.objects.order_by("domain")),
            Prefetch("providers", queryset=OrganisationProvider.objects.order_by("provider_id")),
        )
        .order_by("name")
    )


def pending_requests(viewer):
    permissions.require_or_404(viewer, "programme.manage")
    from allauth.account.models import EmailAddress

    return (
        OrganisationRequest.objects.filter(status=OrganisationRequest.Status.PENDING)
        .select_related("user", "user__organisation")
        .prefetch_related(
            Prefetch(
                "user__emailaddress_set",
                queryset=EmailAddress.objects.order_by("-primary", "email"),
                to_attr="addresses",
            )
        )
        .order_by("created_at")
    )


def recent_decisions(viewer, limit: int = 20):
    permissions.require_or_404(viewer, "programme.manage")
    return (
        OrganisationRequest.objects.exclude(status=OrganisationRequest.Status.PENDING)
        .exclude(decided_by=None)
        .select_related("user", "organisation", "decided_by")
        .order_by("-decided_at")[:limit]
    )


def pending_count() -> int:
    return OrganisationRequest.objects.filter(status=OrganisationRequest.Status.PENDING).count()


def name_match(name: str):
    """The organisation whose name matches what a person typed, ignoring case."""
    return Organisation.objects.filter(name__iexact=" ".join(name.split())).first()
