"""Organisations people belong to: member companies, or units of one institution."""

from django.db import models

from copse.core.names import check_header_names


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        UNIT = "unit", "Department or unit of an institution"

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
