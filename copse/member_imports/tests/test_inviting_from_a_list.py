"""A facilitator invites many people from a CSV list: the preview shows
each row's problems and sends nothing; the confirmation sends exactly the
rows that may be invited, once; the list is its uploader's alone."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.audit.models import AuditEntry
from copse.member_imports import services
from copse.member_imports.models import MemberImport
from copse.memberships.models import Invitation
from copse.organisations.models import OrganisationDomain

LIST = """email,name,organisation
new.one@contoso.example,New One,Contoso
dev@contoso.example,Dev Patel,Contoso
ana@fabrikam.example,Ana Silva,Fabrikam
maria@northwind.example,Maria Lopez,Northwind
third@contoso.example,Third Contoso,Contoso
stranger@elsewhere.example,Sam Stranger,Unknown Ltd
not-an-address,Broken Row,
NEW.ONE@contoso.example,Duplicate,Contoso
eve@evil.example,=HYPERLINK("http://evil.example"),
"""


@pytest.fixture
def ao_cop(db):
    contoso = testing.make_organisation("Contoso")
    OrganisationDomain.objects.create(organisation=contoso, domain="contoso.example")
    testing.make_organisation("Fabrikam")
    community = testing.make_community(
        slug="ao-cop", name="Applications/Operations CoP", per_organisation_cap=2
    )
    maria = testing.make_user("maria@northwind.example", name="Maria Lopez")
    testing.seat(community, maria, role="facilitator")
    dev = testing.make_user("dev@contoso.example", name="Dev Patel", organisation=contoso)
    testing.seat(community, dev)
    testing.invite_email(community, "ana@fabrikam.example", invited_by=maria)
    return {"community": community, "maria": maria, "dev": dev, "contoso": contoso}


def _upload(client, person, text=LIST, slug="ao-cop", name="new-members.csv"):
    client.force_login(person)
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("member_imports:upload", kwargs={"slug": slug}),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def _cells(html: str, line: int) -> str:
    row = re.search(rf'<tr id="line-{line}">(.*?)</tr>', html, re.S)
    assert row, f"no row for line {line}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1)))


def test_the_members_page_leads_to_the_upload(client, ao_cop):
    client.force_login(ao_cop["maria"])
    page = client.get(reverse("memberships:manage", kwargs={"slug": "ao-cop"})).content
    assert reverse("member_imports:upload", kwargs={"slug": "ao-cop"}).encode() in page
    upload_page = client.get(reverse("member_imports:upload", kwargs={"slug": "ao-cop"}))
    assert (
        upload_page.status_code == 200 and b'enctype="multipart/form-data"' in upload_page.content
    )


def test_the_preview_shows_every_rows_problems_and_sends_nothing(
    client, ao_cop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, ao_cop["maria"])
    assert response.status_code == 302
    member_import = MemberImport.objects.get()
    assert response["Location"] == reverse(
        "member_imports:preview", kwargs={"slug": "ao-cop", "import_id": member_import.pk}
    )
    html = client.get(response["Location"]).content.decode()
    assert "Will be invited" in _cells(html, 2)
    assert "Already a member of Applications/Operations CoP." in _cells(html, 3)
    assert "Already invited on" in _cells(html, 4) and "still open" in _cells(html, 4)
    assert "That is your own address" in _cells(html, 5)
    # Contoso takes two places at most: Dev has one, the new one the other.
    assert "the places for Contoso are taken" in _cells(html, 6)
    stranger = _cells(html, 7)
    assert "Will be invited" in stranger
    assert "No organisation here is called “Unknown Ltd”" in stranger
    assert "once their organisation is verified" in stranger
    assert "“not-an-address” is not an email address." in _cells(html, 8)
    assert "The same address is on line 2." in _cells(html, 9)
    assert "spreadsheet formula" in _cells(html, 10) and "HYPERLINK" not in html
    assert "2 invitations will go" in html and "7 lines will be left out" in html
    # Nothing went: no invitation, no mail.
    assert Invitation.objects.filter(community=ao_cop["community"]).count() == 1
    assert mail.outbox == []


def test_confirming_sends_exactly_the_rows_that_may_be_invited(
    client, ao_cop, django_capture_on_commit_callbacks
):
    _upload(client, ao_cop["maria"])
    member_import = MemberImport.objects.get()
    send = reverse(
        "member_imports:confirm", kwargs={"slug": "ao-cop", "import_id": member_import.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send, {"message": "Welcome to the A/O CoP."})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "new.one@contoso.example",
        "stranger@elsewhere.example",
    ]
    assert all("Welcome to the A/O CoP." in m.body for m in mail.outbox)
    invited = Invitation.objects.filter(community=ao_cop["community"], invited_by=ao_cop["maria"])
    assert set(invited.values_list("email", "role")) == {
        ("ana@fabrikam.example", "member"),
        ("new.one@contoso.example", "member"),
        ("stranger@elsewhere.example", "member"),
    }
    member_import.refresh_from_db()
    assert member_import.state == "sent" and member_import.sent_count == 2
    entry = AuditEntry.objects.get(action="member_import.sent")
    assert entry.detail == {"sent": 2, "left_out": 7}
    assert AuditEntry.objects.filter(action="invitation.sent").count() == 2
    # A second confirmation (a double click, a replay) sends nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(send)
    assert again.status_code == 410 and mail.outbox == []
    assert b"were sent already" in again.content
    # The list now says what went.
    page = client.get(
        reverse("member_imports:preview", kwargs={"slug": "ao-cop", "import_id": member_import.pk})
    )
    assert b"2 invitations went" in page.content


def test_the_confirmation_judges_the_rows_again(client, ao_cop, django_capture_on_commit_callbacks):
    """Someone on the list was seated between the preview and the confirmation."""
    _upload(client, ao_cop["maria"])
    member_import = MemberImport.objects.get()
    newcomer = testing.make_user("stranger@elsewhere.example", name="Sam Stranger")
    testing.seat(ao_cop["community"], newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "member_imports:confirm", kwargs={"slug": "ao-cop", "import_id": member_import.pk}
            )
        )
    assert [m.to[0] for m in mail.outbox] == ["new.one@contoso.example"]


def test_an_expired_list_is_refused_and_forgotten(client, ao_cop):
    _upload(client, ao_cop["maria"])
    member_import = MemberImport.objects.get()
    MemberImport.objects.filter(pk=member_import.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    kwargs = {"slug": "ao-cop", "import_id": member_import.pk}
    assert client.get(reverse("member_imports:preview", kwargs=kwargs)).status_code == 410
    refused = client.post(reverse("member_imports:confirm", kwargs=kwargs))
    assert refused.status_code == 410 and b"has expired" in refused.content
    assert Invitation.objects.count() == 1 and mail.outbox == []
    # The next upload forgets it.
    _upload(client, ao_cop["maria"], "email\nsomeone@example.com\n")
    assert not MemberImport.objects.filter(pk=member_import.pk).exists()


def test_throwing_a_list_away(client, ao_cop):
    _upload(client, ao_cop["maria"])
    member_import = MemberImport.objects.get()
    kwargs = {"slug": "ao-cop", "import_id": member_import.pk}
    assert client.post(reverse("member_imports:discard", kwargs=kwargs)).status_code == 302
    assert not MemberImport.objects.exists() and mail.outbox == []
    assert client.get(reverse("member_imports:preview", kwargs=kwargs)).status_code == 404


# --- Who may see and send a list -----------------------------------------------------------


@pytest.fixture
def others(ao_cop):
    """Another facilitator of the same community, the facilitator of another
    community, and a member."""
    co = testing.make_user("co@northwind.example", name="Co Facilitator")
    testing.seat(ao_cop["community"], co, role="facilitator")
    elsewhere = testing.make_community(slug="cio-cop", name="CIO CoP")
    other = testing.make_user("other@fabrikam.example", name="Other Facilitator")
    testing.seat(elsewhere, other, role="facilitator")
    return {"co": co, "other": other, "member": ao_cop["dev"]}


@pytest.mark.parametrize("who", ["co", "other", "member"])
def test_nobody_but_the_uploader_sees_or_sends_the_list(client, ao_cop, others, who):
    _upload(client, ao_cop["maria"])
    member_import = MemberImport.objects.get()
    client.force_login(others[who])
    for slug in ("ao-cop", "cio-cop"):
        kwargs = {"slug": slug, "import_id": member_import.pk}
        assert client.get(reverse("member_imports:preview", kwargs=kwargs)).status_code == 404
        assert client.post(reverse("member_imports:confirm", kwargs=kwargs)).status_code == 404
        assert client.post(reverse("member_imports:discard", kwargs=kwargs)).status_code == 404
    assert MemberImport.objects.get().state == "waiting"
    assert Invitation.objects.count() == 1 and mail.outbox == []


def test_the_services_refuse_another_person_too(ao_cop, others):
    member_import = services.upload(
        actor=ao_cop["maria"], community=ao_cop["community"], file_name="l.csv", data=LIST.encode()
    )
    with pytest.raises(services.NotAllowed):
        services.confirm(actor=others["co"], member_import=member_import)
    with pytest.raises(services.NotAllowed):
        services.confirm(actor=others["other"], member_import=member_import)
    with pytest.raises(services.NotAllowed):
        services.upload(
            actor=others["member"], community=ao_cop["community"], file_name="l", data=b""
        )
    assert Invitation.objects.count() == 1


def test_a_member_cannot_reach_the_upload(client, ao_cop):
    client.force_login(ao_cop["dev"])
    assert (
        client.get(reverse("member_imports:upload", kwargs={"slug": "ao-cop"})).status_code == 404
    )
    assert _upload(client, ao_cop["dev"]).status_code == 404
    assert not MemberImport.objects.exists()


# --- Bad files -------------------------------------------------------------------------------


def test_a_bad_file_comes_back_with_the_reason_and_keeps_nothing(client, ao_cop):
    response = _upload(client, ao_cop["maria"], "name,phone\nDev,123\n")
    assert response.status_code == 400
    assert (
        b"Copse does not know" in response.content and b"choose the file again" in response.content
    )
    response = _upload(client, ao_cop["maria"], "email,name\nzoë@x.example,Zoë\n".encode("latin-1"))
    assert response.status_code == 400 and b"not UTF-8" in response.content
    assert not MemberImport.objects.exists()


def test_a_file_too_large_is_refused_with_its_size(client, ao_cop, settings):
    from copse.member_imports import parsing

    big = "email\n" + "\n".join(f"p{n}@example.com" for n in range(30000))
    assert len(big) > parsing.MAX_BYTES
    response = _upload(client, ao_cop["maria"], big)
    assert response.status_code == 413 and b"may be at most" in response.content
    # Over the site's limit on any upload, the parse stops while receiving.
    settings.COPSE_UPLOAD_MAX_BYTES = 1000
    response = _upload(client, ao_cop["maria"], big)
    assert response.status_code == 413 and b"the most one file may be" in response.content
    assert not MemberImport.objects.exists()


def test_too_many_rows(client, ao_cop):
    many = "email\n" + "\n".join(f"p{n}@example.com" for n in range(501))
    response = _upload(client, ao_cop["maria"], many)
    assert (
        response.status_code == 400 and b"at most 500 can be invited at a time" in response.content
    )


def test_the_size_cap_leaves_out_rows_past_the_last_place(client, ao_cop):
    community = ao_cop["community"]
    community.size_cap = 3
    community.per_organisation_cap = None
    community.save(update_fields=["size_cap", "per_organisation_cap"])
    text = "email\na@example.com\nb@example.com\nc@example.com\n"
    member_import = services.upload(
        actor=ao_cop["maria"], community=community, file_name="l.csv", data=text.encode()
    )
    from copse.member_imports.selectors import assess

    rows = assess(member_import, viewer=ao_cop["maria"]).rows
    assert [row.will_invite for row in rows] == [True, False, False]
    assert "1 place left" in rows[1].errors[0]


def test_an_address_in_a_claimed_domain_names_its_organisation(ao_cop):
    from copse.member_imports.selectors import assess

    text = "email,organisation\nzed@contoso.example,Fabrikam\n"
    member_import = services.upload(
        actor=ao_cop["maria"], community=ao_cop["community"], file_name="l.csv", data=text.encode()
    )
    (row,) = assess(member_import, viewer=ao_cop["maria"]).rows
    assert row.will_invite
    assert row.notes == [
        "The address is in a domain of Contoso: that will be their organisation once they "
        "confirm it."
    ]


def test_the_preview_says_nothing_about_accounts(ao_cop):
    """Someone with an account and someone without are shown alike, so a
    list cannot be used to find out who has signed up."""
    from copse.member_imports.selectors import assess

    testing.make_user("has.account@example.com", name="Has Account")
    text = "email,organisation\nhas.account@example.com,Acme\nno.account@example.com,Acme\n"
    member_import = services.upload(
        actor=ao_cop["maria"], community=ao_cop["community"], file_name="l.csv", data=text.encode()
    )
    first, second = assess(member_import, viewer=ao_cop["maria"]).rows
    assert (first.errors, first.notes) == (second.errors, second.notes)


def test_uploading_is_audited_without_the_list(ao_cop):
    services.upload(
        actor=ao_cop["maria"], community=ao_cop["community"], file_name="l.csv", data=LIST.encode()
    )
    entry = AuditEntry.objects.get(action="member_import.uploaded")
    assert entry.detail == {"rows": 9, "with_problems": 3}
    assert "@" not in str(entry.detail)


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("people", [5, 300])
def test_the_preview_runs_a_fixed_number_of_queries(
    client, ao_cop, django_assert_max_num_queries, people
):
    text = "email,name,organisation\n" + "\n".join(
        f"p{n}@{'contoso' if n % 3 else 'x'}.example,Person {n},{'Contoso' if n % 2 else 'Acme'}"
        for n in range(people)
    )
    client.force_login(ao_cop["maria"])
    member_import = services.upload(
        actor=ao_cop["maria"], community=ao_cop["community"], file_name="l.csv", data=text.encode()
    )
    url = reverse(
        "member_imports:preview", kwargs={"slug": "ao-cop", "import_id": member_import.pk}
    )
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b'<tr id="line-') == people
