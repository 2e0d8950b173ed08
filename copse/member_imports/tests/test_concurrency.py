"""A list is sent once when its confirmation arrives twice at the same
moment (a double click, two tabs), each request with its own database
connection, as separate web processes would be; on SQLite and PostgreSQL."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from copse import testing
from copse.member_imports import services
from copse.memberships.models import Invitation
from copse.memberships.tests.test_concurrency import _in_parallel


@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_send_each_invitation_once():
    community = testing.make_community(slug="ao-cop", name="A/O CoP")
    maria = testing.make_user("maria@northwind.example", name="Maria Lopez")
    testing.seat(community, maria, role="facilitator")
    text = "email\n" + "\n".join(f"person{n}@example.com" for n in range(8))
    member_import = services.upload(
        actor=maria, community=community, file_name="l.csv", data=text.encode()
    )
    send = reverse(
        "member_imports:confirm", kwargs={"slug": "ao-cop", "import_id": member_import.pk}
    )

    def confirm():
        client = Client()
        client.force_login(maria)
        return client.post(send).status_code

    statuses, errors = _in_parallel([confirm, confirm, confirm])
    assert not errors, errors
    assert sorted(statuses) == [302, 410, 410]
    assert Invitation.objects.filter(community=community).count() == 8
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"person{n}@example.com" for n in range(8)
    )
