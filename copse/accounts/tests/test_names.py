"""Nobody is shown by the local part of their address: signing up asks for a
name, and an account without one has a fallback and a way to give one."""

import pytest
from django.core import mail
from django.urls import reverse

from copse import testing
from copse.accounts.models import UNNAMED, User
from copse.memberships import links, services

PASSPHRASE = "a-long-passphrase-42"


def _signup(client, data, next_path=""):
    url = reverse("account_signup") + (f"?next={next_path}" if next_path else "")
    return client.post(url, data)


@pytest.fixture
def invitation(db, settings, django_capture_on_commit_callbacks):
    community = testing.make_community(slug="ao-cop", name="Applications and Operations")
    facilitator = testing.make_user(name="Fiona Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            actor=facilitator, community=community, email="jsmith42@example.com"
        )
    return links.invitation_url(invitation).removeprefix(settings.BASE_URL)


def test_signing_up_through_an_invitation_asks_for_a_name_and_keeps_it(client, invitation):
    page = client.get(reverse("account_signup") + f"?next={invitation}").content.decode()
    assert 'name="display_name"' in page and "Your name" in page
    signup = _signup(
        client,
        {
            "display_name": "  Jane   Smith ",
            "email": "jsmith42@example.com",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
        },
        invitation,
    )
    assert signup.status_code == 302, signup.content[:500]
    person = User.objects.get(email="jsmith42@example.com")
    assert person.display_name == "Jane Smith" and person.name == "Jane Smith"
    # The handle (in @mentions and profile addresses) comes from the name.
    assert person.handle == "jane-smith" and "jsmith42" not in person.handle


def test_signing_up_without_a_name_is_refused_and_keeps_what_was_typed(client, db):
    response = _signup(
        client,
        {
            "display_name": "  ",
            "email": "newbie@example.com",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
        },
    )
    assert response.status_code == 200  # allauth shows the form again
    page = response.content.decode()
    assert "Please give the name your peers know you by." in page
    assert 'value="newbie@example.com"' in page
    assert not User.objects.filter(email="newbie@example.com").exists()
    assert not mail.outbox


def test_a_name_that_looks_like_another_persons_is_refused_at_sign_up(client, db):
    testing.make_user(name="Maria Lopez")
    response = _signup(
        client,
        {
            "display_name": "Mаria Lopez",
            "email": "m@example.com",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
        },
    )
    assert "already has this name or one that looks the same" in response.content.decode()
    assert not User.objects.filter(email="m@example.com").exists()


def test_an_account_without_a_name_is_never_shown_by_its_address(client, db):
    person = User.objects.create_user(email="k.wright77@example.com", password="x")
    assert person.name == UNNAMED and "wright" not in person.name
    assert "wright" not in person.handle and person.handle.startswith("member")
    assert person.initials == "?"
    community = testing.make_community()
    testing.seat(community, person)
    viewer = testing.make_user()
    testing.seat(community, viewer)
    client.force_login(viewer)
    members = client.get(reverse("communities:members", args=[community.slug])).content.decode()
    assert UNNAMED in members and "k.wright77" not in members


def test_a_person_without_a_name_is_asked_for_it_until_they_give_it(client, db):
    person = User.objects.create_user(email="k.wright77@example.com", password="x")
    client.force_login(person)
    page = client.get(reverse("communities:directory")).content.decode()
    assert "Give your name" in page and reverse("accounts:profile") in page
    response = client.post(
        reverse("accounts:profile"), {"display_name": "Kim Wright", "time_zone": "UTC", "bio": ""}
    )
    assert response.status_code == 302
    assert "Give your name" not in client.get(reverse("communities:directory")).content.decode()
    person.refresh_from_db()
    assert person.name == "Kim Wright"
