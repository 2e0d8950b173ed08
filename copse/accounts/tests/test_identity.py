"""Look-alike identities: email addresses that only seem equal, display names
that only seem different.

The password-reset story: an attacker registers nothing, types "mıke@…"
(dotless ı) into the reset form, and hopes a case-insensitive comparison
somewhere matches mike@… and mails mike's reset link to the typed address.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from copse import testing
from copse.accounts.identity import display_name_skeleton, normalize_email
from copse.accounts.models import User

RESET_URL = "/accounts/password/reset/"
PROFILE_URL = "/accounts/profile/"


# --- normalize_email ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("mike@example.com", "mike@example.com"),
        ("  Mike@Example.COM \n", "mike@example.com"),
        ("MIKE@EXAMPLE.COM", "mike@example.com"),
        # Full-width letters are the same address once NFKC-normalised.
        ("ｍｉｋｅ@ｅｘａｍｐｌｅ.ｃｏｍ", "mike@example.com"),
        # Composed and decomposed é are one address.
        ("rene\u0301@example.com", "ren\u00e9@example.com"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_email(typed, normal):
    assert normalize_email(typed) == normal


@pytest.mark.parametrize(
    "look_alike",
    [
        "mıke@example.com",  # dotless ı (U+0131): "mıke".upper() == "MIKE"
        "MİKE@EXAMPLE.COM",  # dotted capital İ (U+0130)
        "mіke@example.com",  # Cyrillic і (U+0456)
        "mike@examp1e.com",
    ],
)
def test_look_alike_addresses_never_normalise_to_the_real_one(look_alike):
    assert normalize_email(look_alike) != "mike@example.com"


def test_the_dotless_i_trap_is_real():
    # What a naive upper-case comparison would get wrong; guards the test above.
    assert "mıke@example.com".upper() == "MIKE@EXAMPLE.COM"


def test_users_are_stored_and_found_by_normalised_address(db):
    user = User.objects.create_user(email=" Mike@Example.COM ", password="x")
    assert user.email == "mike@example.com"
    assert User.objects.get_by_natural_key("MIKE@example.com") == user


# --- Password reset -------------------------------------------------------------


def _reset_link_prefix(user) -> str:
    from allauth.account.utils import user_pk_to_url_str

    return f"/accounts/password/reset/key/{user_pk_to_url_str(user)}-"


def _messages_with(prefix: str):
    return [m for m in mail.outbox if prefix in m.body or prefix in str(m.message())]


@pytest.fixture
def mike(db):
    return testing.make_user("mike@example.com", name="Mike Chen")


def test_dotless_i_address_never_receives_mikes_reset_link(client, mike):
    mail.outbox.clear()
    response = client.post(RESET_URL, {"email": "mıke@example.com"})
    assert response.status_code in (200, 302)
    carrying_mikes_key = _messages_with(_reset_link_prefix(mike))
    assert carrying_mikes_key == []
    for message in mail.outbox:
        assert "/accounts/password/reset/key/" not in message.body, message.to


def test_upper_case_address_reaches_mike(client, mike):
    mail.outbox.clear()
    response = client.post(RESET_URL, {"email": "MIKE@EXAMPLE.COM"})
    assert response.status_code == 302
    carrying_mikes_key = _messages_with(_reset_link_prefix(mike))
    assert len(carrying_mikes_key) == 1
    assert carrying_mikes_key[0].to == ["mike@example.com"]


def test_the_reset_link_mike_receives_works(client, mike):
    mail.outbox.clear()
    client.post(RESET_URL, {"email": "mike@example.com"})
    (message,) = _messages_with(_reset_link_prefix(mike))
    path = re.search(r"/accounts/password/reset/key/\S+/", message.body).group(0)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "a-new-long-passphrase-42", "password2": "a-new-long-passphrase-42"},
    )
    assert response.status_code == 302
    mike.refresh_from_db()
    assert mike.check_password("a-new-long-passphrase-42")


def test_dotless_i_gets_nothing_even_when_the_lookup_folds_case_across_scripts(
    client, mike, monkeypatch
):
    """On PostgreSQL, UPPER('mıke@…') can equal UPPER('mike@…'), so the reset
    form may find mike for the look-alike address. Simulate that lookup here."""
    from allauth.account import forms as allauth_forms

    def folding_lookup(email, **kwargs):
        return [u for u in User.objects.all() if u.email.upper() == email.upper()]

    monkeypatch.setattr(allauth_forms, "filter_users_by_email", folding_lookup)
    mail.outbox.clear()
    response = client.post(RESET_URL, {"email": "mıke@example.com"})
    assert response.status_code == 302
    assert _messages_with(_reset_link_prefix(mike)) == []
    # The same folding lookup still lets the real address through.
    client.post(RESET_URL, {"email": "MIKE@EXAMPLE.COM"})
    (message,) = _messages_with(_reset_link_prefix(mike))
    assert message.to == ["mike@example.com"]


def test_adapter_refuses_to_mail_a_reset_link_to_a_look_alike_address(mike, caplog):
    """Even if a database comparison (PostgreSQL's UPPER, say) matched mike for
    the typed address, the adapter sends only to addresses mike really has."""
    from django.test import RequestFactory

    from copse.accounts.adapter import CopseAccountAdapter

    mail.outbox.clear()
    adapter = CopseAccountAdapter(RequestFactory().get("/"))
    with caplog.at_level("WARNING", logger="copse.security"):
        adapter.send_password_reset_mail(mike, "mıke@example.com", {"password_reset_url": "x"})
    assert mail.outbox == []
    assert "look-alike" in caplog.text
    assert "mıke" not in caplog.text


# --- Confusable display names -----------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Maria Lopez", "Mаria Lopez"),  # Cyrillic а
        ("Maria Lopez", "MARIA  LOPEZ"),
        ("Maria Lopez", "maria lopez"),
        ("Maria Lopez", "María López"),
        ("Olive Outsider", "\u039flive Outsider"),  # Greek capital omicron
        ("Dev Patel", "D\u0435v Patel"),  # Cyrillic е
        ("Dev Patel", "Dev Pate1"),
        ("Sam Morn", "Sam Mom"),  # rn looks like m
    ],
)
def test_confusable_names_share_a_skeleton(one, other):
    assert display_name_skeleton(one) == display_name_skeleton(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Maria Lopez", "Mario Lopez"), ("Ana Silva", "Anna Silva"), ("Dev Patel", "Devi Patel")],
)
def test_different_names_keep_different_skeletons(one, other):
    assert display_name_skeleton(one) != display_name_skeleton(other)


@pytest.fixture
def newcomer_client(db):
    testing.make_user("maria@northwind.example", name="Maria Lopez")
    newcomer = testing.make_user("newcomer@example.com", name="New Comer")
    client = Client()
    client.force_login(newcomer)
    return client, newcomer


def _profile_post(name: str) -> dict:
    return {
        "display_name": name,
        "job_title": "CIO",
        "organisation": "",
        "time_zone": "Europe/London",
        "bio": "I look after *telecom* contracts.",
    }


@pytest.mark.parametrize("look_alike", ["Mаria Lopez", "MARIA  LOPEZ"])
def test_profile_refuses_a_name_that_looks_like_an_existing_members(newcomer_client, look_alike):
    client, newcomer = newcomer_client
    response = client.post(PROFILE_URL, _profile_post(look_alike))
    assert response.status_code == 400
    html = response.content.decode()
    assert "looks the same" in html
    # What was typed is still there, exactly, to be corrected.
    assert f'value="{look_alike}"' in html
    assert "I look after *telecom* contracts." in html
    newcomer.refresh_from_db()
    assert newcomer.display_name == "New Comer"


def test_profile_accepts_a_distinct_name_and_keeps_ones_own(newcomer_client):
    client, newcomer = newcomer_client
    response = client.post(PROFILE_URL, _profile_post("Maria  Lopez-Okafor"))
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.display_name == "Maria Lopez-Okafor"
    # Saving again with one's own name is not a clash with oneself.
    response = client.post(PROFILE_URL, _profile_post("Maria Lopez-Okafor"))
    assert response.status_code == 302
