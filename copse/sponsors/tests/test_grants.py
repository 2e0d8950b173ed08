"""Site administrators grant and revoke the sponsor role; every change is in
the audit log, and nobody else can make one."""

import pytest
from django.urls import reverse

from copse import testing
from copse.accounts.models import User
from copse.audit.models import AuditEntry
from copse.sponsors import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return testing.make_site_admin(email="admin@example.com", name="Ada Admin")


@pytest.fixture
def grace():
    return testing.make_user("grace@example.com", name="Grace Hopkins")


def test_a_site_admin_makes_someone_a_sponsor_by_their_address(client, admin, grace):
    client.force_login(admin)
    response = client.post(reverse("sponsors:grants"), {"email": "  Grace@Example.com "})
    assert response.status_code == 302
    grace.refresh_from_db()
    assert grace.is_sponsor
    entry = AuditEntry.objects.get(action="sponsor.granted")
    assert (entry.actor, entry.subject) == (admin, grace)
    page = client.get(reverse("sponsors:grants")).content.decode()
    assert "Grace Hopkins is now a sponsor" in page
    assert "grace@example.com" in page


def test_a_site_admin_revokes_the_role(client, admin, grace):
    services.grant_sponsor(actor=admin, person=grace)
    client.force_login(admin)
    response = client.post(reverse("sponsors:grants"), {"revoke": str(grace.pk)})
    assert response.status_code == 302
    grace.refresh_from_db()
    assert not grace.is_sponsor
    entry = AuditEntry.objects.get(action="sponsor.revoked")
    assert (entry.actor, entry.subject) == (admin, grace)
    # The report is closed to them again.
    client.force_login(grace)
    assert client.get(reverse("sponsors:report")).status_code == 404


def test_an_unknown_address_shows_the_form_again_with_what_was_typed(client, admin):
    client.force_login(admin)
    response = client.post(reverse("sponsors:grants"), {"email": "nobody@example.com"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "No one with this address has an active account" in page
    assert 'value="nobody@example.com"' in page
    assert not AuditEntry.objects.filter(action="sponsor.granted").exists()


def test_granting_twice_says_so_and_records_once(client, admin, grace):
    services.grant_sponsor(actor=admin, person=grace)
    client.force_login(admin)
    response = client.post(reverse("sponsors:grants"), {"email": "grace@example.com"})
    assert response.status_code == 409
    assert "Grace Hopkins is already a sponsor." in response.content.decode()
    assert AuditEntry.objects.filter(action="sponsor.granted").count() == 1


def test_revoking_someone_who_is_no_sponsor_says_so(client, admin, grace):
    client.force_login(admin)
    for value in (str(grace.pk), "not-a-number", "999999"):
        response = client.post(reverse("sponsors:grants"), {"revoke": value})
        assert response.status_code == 400
        assert "That person is not a sponsor (any more)." in response.content.decode()
    assert not AuditEntry.objects.filter(action="sponsor.revoked").exists()


def test_an_inactive_account_cannot_be_made_a_sponsor(client, admin, grace):
    User.objects.filter(pk=grace.pk).update(is_active=False)
    client.force_login(admin)
    response = client.post(reverse("sponsors:grants"), {"email": "grace@example.com"})
    assert response.status_code == 400
    grace.refresh_from_db()
    assert not grace.is_sponsor


@pytest.mark.parametrize("who", ["member", "sponsor"])
def test_only_site_admins_grant_or_revoke(client, admin, grace, who):
    actor = testing.make_user(f"{who}@example.com", is_sponsor=who == "sponsor")
    with pytest.raises(services.NotAllowed):
        services.grant_sponsor(actor=actor, person=grace)
    services.grant_sponsor(actor=admin, person=grace)
    with pytest.raises(services.NotAllowed):
        services.revoke_sponsor(actor=actor, person=grace)
    client.force_login(actor)
    assert client.get(reverse("sponsors:grants")).status_code == 404
    response = client.post(reverse("sponsors:grants"), {"revoke": str(grace.pk)})
    assert response.status_code == 404
    grace.refresh_from_db()
    assert grace.is_sponsor


def test_the_sponsors_page_lists_them_and_says_when_there_are_none(client, admin, grace):
    client.force_login(admin)
    assert "Nobody is a sponsor yet." in client.get(reverse("sponsors:grants")).content.decode()
    services.grant_sponsor(actor=admin, person=grace)
    page = client.get(reverse("sponsors:grants")).content.decode()
    assert "Revoke the sponsor role of Grace Hopkins" in page
