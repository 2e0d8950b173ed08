"""Membership mail is written in its recipient's language: an invitation to
an address without an account in the site's, anything to a person in theirs
(docs/languages.md)."""

from django.core import mail
from django.urls import reverse
from django.utils import translation

from copse import testing
from copse.memberships import services


def _community_and_facilitator():
    community = testing.make_community(
        slug="lang-cop", name="Language CoP", visibility="members", join_policy="request"
    )
    facilitator = testing.make_user("fay@northwind.example", name="Fay Facilitator")
    facilitator.language = "fr"
    facilitator.save(update_fields=["language"])
    testing.seat(community, facilitator, role="facilitator")
    return community, facilitator


def test_an_invitation_to_a_new_address_is_in_the_sites_language(
    db, django_capture_on_commit_callbacks
):
    community, facilitator = _community_and_facilitator()
    # Whatever language the inviter reads in, a stranger is written to in the site's.
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.invite(actor=facilitator, community=community, email="new@contoso.example")
    sent = mail.outbox[-1]
    assert "You are invited to join Language CoP" in sent.subject
    assert "Fay Facilitator invites you to join Language CoP on Copse." in sent.body


def test_an_invitation_to_a_person_is_in_their_language(db, django_capture_on_commit_callbacks):
    community, facilitator = _community_and_facilitator()
    facilitator.language = ""
    facilitator.save(update_fields=["language"])
    invitee = testing.make_user("ines@contoso.example", name="Inès Invitée")
    invitee.language = "fr"
    invitee.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(actor=facilitator, community=community, email=invitee.email)
    sent = mail.outbox[-1]
    assert "Vous êtes invité à rejoindre Language CoP" in sent.subject
    assert "Fay Facilitator vous invite à rejoindre Language CoP sur Copse." in sent.body


def test_facilitators_hear_of_a_request_each_in_their_own_language(
    client, db, django_capture_on_commit_callbacks
):
    community, facilitator = _community_and_facilitator()
    other = testing.make_user("oli@northwind.example", name="Oli Other")
    testing.seat(community, other, role="facilitator")
    asker = testing.make_user("ana@fabrikam.example", name="Ana Alvarez")
    client.force_login(asker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("memberships:request", args=[community.slug]), {"note": ""})
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[facilitator.email].subject.endswith(
        "Ana Alvarez demande à rejoindre Language CoP"
    )
    assert by_recipient[other.email].subject.endswith("Ana Alvarez asks to join Language CoP")
