"""Norms are versioned; a new version must be accepted before contributing again."""

import pytest
from django.urls import reverse

from copse import testing
from copse.audit.models import AuditEntry
from copse.core import permissions
from copse.norms import services
from copse.norms.models import NormsAcceptance


@pytest.fixture
def cio_cop(db):
    community = testing.make_community(
        slug="sv-cio-cop", name="Silicon Valley CIO CoP", visibility="confidential"
    )
    maria = testing.make_user("maria@northwind.example", name="Maria Lopez")
    dev = testing.make_user("dev@contoso.example", name="Dev Patel")
    testing.seat(community, maria, role="facilitator")
    testing.seat(community, dev)
    services.publish_norms(
        actor=maria, community=community, body="1. What is said here stays here.", change_note=""
    )
    services.accept_current_norms(actor=dev, community=community)
    return community, maria, dev


def test_new_version_blocks_contribution_until_accepted_but_reading_continues(client, cio_cop):
    community, maria, dev = cio_cop
    assert permissions.can(dev, "community.contribute", community)
    services.publish_norms(
        actor=maria,
        community=community,
        body="1. What is said here stays here.\n2. Vendors present only when invited.",
        change_note="Added a rule about vendors",
    )
    permissions.forget_standings(dev)
    community.refresh_from_db()
    assert not permissions.can(dev, "community.contribute", community)
    assert permissions.can(dev, "community.read", community)
    assert permissions.can(maria, "community.contribute", community)  # publishing accepts

    client.force_login(dev)
    home = client.get(community.get_absolute_url())
    assert b"The norms changed" in home.content
    page = client.get(reverse("norms:current", args=[community.slug]))
    assert b"Added a rule about vendors" in page.content
    client.post(reverse("norms:accept", args=[community.slug]), {"norms_version": 2})
    permissions.forget_standings(dev)
    assert permissions.can(dev, "community.contribute", community)
    assert NormsAcceptance.objects.filter(user=dev, version__number=2).exists()


def test_accepting_a_version_that_is_no_longer_current_is_refused(client, cio_cop):
    community, maria, dev = cio_cop
    services.publish_norms(actor=maria, community=community, body="New text", change_note="Rewrite")
    client.force_login(dev)
    response = client.post(
        reverse("norms:accept", args=[community.slug]), {"norms_version": 1}, follow=True
    )
    assert b"changed again" in response.content
    assert not NormsAcceptance.objects.filter(user=dev, version__number=2).exists()


def test_diff_shows_added_and_removed_lines(client, cio_cop):
    community, maria, dev = cio_cop
    services.publish_norms(
        actor=maria,
        community=community,
        body="1. What is said here stays here.\n2. Start on time.",
        change_note="Time",
    )
    client.force_login(dev)
    response = client.get(reverse("norms:diff", args=[community.slug]) + "?from=1&to=2")
    assert response.status_code == 200
    assert (
        b'<li class="added"><span class="visually-hidden-label">Added: </span>2. Start on time.</li>'
        in response.content
    )
    assert b'<li class="same">1. What is said here stays here.</li>' in response.content
    bad = client.get(reverse("norms:diff", args=[community.slug]) + "?from=x&to=2")
    assert bad.status_code == 404


def test_a_new_version_needs_a_change_note_and_a_change(client, cio_cop):
    community, maria, _ = cio_cop
    client.force_login(maria)
    url = reverse("norms:edit", args=[community.slug])
    same = client.post(url, {"body": "1. What is said here stays here.", "change_note": "x"})
    assert same.status_code == 400 and b"Nothing changed" in same.content
    no_note = client.post(url, {"body": "Something new", "change_note": ""})
    assert no_note.status_code == 400 and b"change note" in no_note.content
    assert b"Something new" in no_note.content  # what was typed is kept


def test_facilitator_sees_who_accepted_which_version(client, cio_cop):
    community, maria, dev = cio_cop
    services.publish_norms(actor=maria, community=community, body="v2", change_note="Second")
    client.force_login(maria)
    page = client.get(reverse("norms:acceptance", args=[community.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dev Patel" in text and "Version 1</span>" in text
    assert AuditEntry.objects.filter(action="norms.published", community=community).count() == 2
    client.force_login(dev)
    assert client.get(reverse("norms:acceptance", args=[community.slug])).status_code == 404


def test_the_diff_shows_words_not_markdown(client, cio_cop):
    community, maria, dev = cio_cop
    services.publish_norms(
        actor=maria,
        community=community,
        body="## Respect\n\n- **Listen** first.\n- What is said here _stays_ here.",
        change_note="Listening",
    )
    client.force_login(dev)
    response = client.get(reverse("norms:diff", args=[community.slug]) + "?from=1&to=2")
    html = response.content.decode()
    diff = html.split('<ul class="diff">', 1)[1].split("</ul>", 1)[0]
    assert "Respect" in diff and "Listen first." in diff and "stays here." in diff
    for mark in (
        "##",
        "**",
        "_stays_",
        '<li class="added"><span class="visually-hidden-label">Added: </span>- ',
    ):
        assert mark not in diff
