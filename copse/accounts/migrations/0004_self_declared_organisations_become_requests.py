"""Organisations chosen on the profile before verification were self-declared.

They are not trusted: each one is cleared from the person and kept as a
waiting request to a site administrator, who can approve it in one click (or
add the organisation's email domains, which verifies everyone with a verified
address there). See docs/decisions.md.
"""

from django.db import migrations

NOTE = "Chosen on the profile before organisations were verified."


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    OrganisationRequest = apps.get_model("organisations", "OrganisationRequest")
    declared = User.objects.filter(organisation__isnull=False, organisation_source="")
    for user in declared.select_related("organisation").iterator():
        OrganisationRequest.objects.get_or_create(
            user=user,
            status="pending",
            defaults={"name": user.organisation.name, "note": NOTE},
        )
    declared.update(organisation=None)


def backwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    OrganisationRequest = apps.get_model("organisations", "OrganisationRequest")
    Organisation = apps.get_model("organisations", "Organisation")
    for request in OrganisationRequest.objects.filter(status="pending", note=NOTE):
        organisation = Organisation.objects.filter(name=request.name).first()
        if organisation is not None:
            User.objects.filter(pk=request.user_id, organisation__isnull=True).update(
                organisation=organisation
            )
        request.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_organisation_verification"),
        ("organisations", "0002_domains_and_requests"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
