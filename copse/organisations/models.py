"""Organisations people belong to: member companies, or units of one institution.

A person's organisation is never self-declared. It is set by a site
administrator (usually by approving the person's request), comes from a
verified email address in a domain the organisation claims, or from signing
in through an identity provider tied to the organisation. `User.organisation`
therefore only ever holds a verified organisation; a request waiting for a
site administrator lives in `OrganisationRequest` until it is decided.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copse.core.names import check_header_names


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        UNIT = "unit", _("Department or unit of an institution")

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    # For units: the institution they sit in ("Department of Chemistry" in "State University").
    parent_institution = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        check_header_names(self, "name")


class OrganisationDomain(models.Model):
    """An email domain an organisation claims: a verified address in it
    (exactly this domain, not its subdomains) verifies the person's organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    # Lower case, IDNA (punycode) form, no "@".
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class OrganisationProvider(models.Model):
    """An identity provider tied to an organisation: signing in through it
    verifies the person's organisation. `provider_id` is the id a site gives
    the provider in COPSE_OIDC_PROVIDERS or COPSE_SAML_PROVIDERS
    (allauth's `SocialAccount.provider`)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="providers"
    )
    provider_id = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["provider_id"]

    def __str__(self) -> str:
        return self.provider_id


class OrganisationRequest(models.Model):
    """A person asks a site administrator to set (or correct) their organisation."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("organisation request status", "Waiting")
        APPROVED = "approved", pgettext_lazy("organisation request status", "Approved")
        DECLINED = "declined", pgettext_lazy("organisation request status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("organisation request status", "Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_requests"
    )
    # What the person typed: they never see the list of organisations.
    name = models.CharField(_("organisation"), max_length=120)
    note = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when approved: the organisation the site administrator chose.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "user",
                condition=models.Q(status="pending"),
                name="one_pending_organisation_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} asks for {self.name}"
