"""The demo's list waiting for Maria: loaded once, nothing sent, and its
preview, reached from the members page, shows what a list meets."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from copse.demo import people
from copse.member_imports.models import MemberImport
from copse.memberships.models import Invitation

pytestmark = pytest.mark.django_db


def test_marias_list_waits_for_her_and_shows_each_lines_problems(client):
    call_command("demo", stdout=StringIO())
    invitations = Invitation.objects.count()
    call_command("demo", stdout=StringIO())
    member_import = MemberImport.objects.get()
    assert member_import.state == "waiting" and member_import.uploaded_by.email == (
        "maria@northwind.example"
    )
    assert Invitation.objects.count() == invitations and mail.outbox == []

    client.post(
        "/accounts/login/", {"login": "maria@northwind.example", "password": people.PASSWORD}
    )
    upload = reverse("member_imports:upload", kwargs={"slug": "sv-cio-cop"})
    assert upload.encode() in client.get(reverse("memberships:manage", args=["sv-cio-cop"])).content
    preview = reverse(
        "member_imports:preview", kwargs={"slug": "sv-cio-cop", "import_id": member_import.pk}
    )
    assert preview.encode() in client.get(upload).content
    page = client.get(preview).content.decode()
    assert "Already a member of Silicon Valley CIO CoP." in page
    assert "the places for Contoso are taken" in page
    assert "No organisation here is called “Kiteworks”" in page
    assert "The same address is on line 2." in page
    assert "2 invitations will go" in page
