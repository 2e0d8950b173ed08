"""The demo's sponsor: Grace Hopkins signs in, holds the role granted once
by the site operator, sits in no community and reads the programme report,
which never names the confidential CIO CoP."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from copse.accounts.models import User
from copse.audit.models import AuditEntry
from copse.demo import people
from copse.memberships.models import Membership
from copse.sponsors import selectors

pytestmark = pytest.mark.django_db


def test_the_sponsor_login_holds_the_role_once_and_reads_the_report_only(client):
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    grace = User.objects.get(email="sponsor@copse.example")
    assert grace.is_sponsor and not grace.is_staff
    assert ("sponsor@copse.example", people.LOGINS[-1][1]) in people.LOGINS
    assert not Membership.objects.filter(user=grace).exists()
    grant = AuditEntry.objects.get(action="sponsor.granted", subject=grace)
    assert grant.actor.email == "admin@copse.example"

    client.post("/accounts/login/", {"login": grace.email, "password": people.PASSWORD})
    page = client.get(reverse("communities:directory")).content.decode()
    assert "Programme report" in page
    report = client.get(reverse("sponsors:report"))
    assert report.status_code == 200
    body = report.content.decode()
    assert "Silicon Valley CIO CoP" not in body
    assert "Instructional Designers" in body
    assert "Administrators&#x27; Community of Practice" in body
    assert client.get("/c/sv-cio-cop/conversations/").status_code == 404
    # Six members shared their stories for the report, five of them with
    # hours saved: enough people for those totals to show, with no names.
    value = selectors.programme_report(grace).value
    assert value["storytellers"] == 6
    assert value["hours"]["amount"] == Decimal("99.0")
    assert "Renegotiated every telecom contract" not in body
