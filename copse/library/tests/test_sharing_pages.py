"""Sharing beyond the community, from the UI: the facilitators' switch in the
community's settings, the author's choice with a confirmation that names who
will read it, the public page by link (nothing else of the site, kept out of
search engines, no referrer), and withdrawing, which stops a link at once."""

import pytest
from django.urls import reverse

from copse import testing
from copse.core import permissions
from copse.library import services
from copse.library.models import LibraryItem
from copse.library.tests.conftest import text_file
from copse.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _item(unit, **kw):
    return services.create_item(
        actor=unit.people.karen,
        community=unit.community,
        kind="template",
        title="Chemistry speaker template",
        uploaded_file=text_file(),
        **kw,
    )


def _settings_data(community, **changes):
    from copse.communities.forms import CommunitySettingsForm

    form = CommunitySettingsForm(instance=community)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "topic_areas":
            value = "\n".join(value or [])
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_facilitators_allow_sharing_in_the_settings_and_are_told(client, unit):
    community = unit.community
    client.force_login(unit.people.joanne)
    page = client.get(reverse("communities:settings", args=[community.slug])).content.decode()
    assert "Allow authors to share library items beyond the community" in page
    response = client.post(
        reverse("communities:settings", args=[community.slug]),
        _settings_data(community, library_sharing_allowed="on"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    community.refresh_from_db()
    assert community.library_sharing_allowed


def test_a_site_admin_may_close_sharing_but_not_open_it(client, unit):
    community = unit.community
    admin = testing.make_site_admin(email="ops@example.com")
    client.force_login(admin)
    response = client.post(
        reverse("communities:settings", args=[community.slug]),
        _settings_data(community, library_sharing_allowed="on"),
    )
    assert response.status_code == 400
    assert b"Only the community&#x27;s facilitators" in response.content
    community.refresh_from_db()
    assert not community.library_sharing_allowed
    community.library_sharing_allowed = True
    community.save()
    data = _settings_data(community)
    data.pop("library_sharing_allowed")
    response = client.post(reverse("communities:settings", args=[community.slug]), data)
    assert response.status_code == 302
    community.refresh_from_db()
    assert not community.library_sharing_allowed


def test_the_switch_says_it_is_moot_for_an_open_community(client, db):
    community = testing.make_community(slug="open-one", visibility="open")
    facilitator = testing.make_user()
    testing.seat(community, facilitator, role="facilitator")
    client.force_login(facilitator)
    page = client.get(reverse("communities:settings", args=[community.slug])).content.decode()
    assert "makes no difference while the community is open" in page


def test_an_author_cannot_share_until_the_facilitators_allow_it(client, unit):
    item = _item(unit)
    client.force_login(unit.people.karen)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Sharing beyond Administrators is off" in html
    assert client.get(reverse("library:share", args=[item.pk])).status_code == 404


def test_sharing_site_wide_confirms_who_will_read_it(client, unit):
    community, karen = unit.community, unit.people.karen
    community.library_sharing_allowed = True
    community.save()
    for n in range(3):
        testing.make_user(f"elsewhere{n}@example.com")
    item = _item(unit)
    client.force_login(karen)
    url = reverse("library:share", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"sharing": "site"})
    html = response.content.decode()
    assert response.status_code == 200
    # joanne, margaret, karen, stranger and three more: 7 people, 4 outside.
    assert (
        "Everyone with an account on this Copse site — 7 people — including 4 people outside Administrators"
        in html
    )
    item.refresh_from_db()
    assert item.sharing == "community"  # nothing until confirmed
    response = client.post(url, {"sharing": "site", "confirm": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.sharing == "site"
    # Someone with no seat reads it, without the community being named.
    client.force_login(unit.people.stranger)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Chemistry speaker template" in html
    assert "Shared from another community" in html
    assert "Administrators" not in html


def test_a_listed_community_is_named_to_readers_through_a_share(client, unit):
    community = unit.community
    community.library_sharing_allowed = True
    community.listed = True
    community.save()
    item = _item(unit)
    services.share_item(actor=unit.people.karen, item=item, sharing="site", confirmed=True)
    client.force_login(unit.people.stranger)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Shared from Administrators" in html
    assert reverse("library:list", args=[community.slug]) not in html


def test_the_public_page_shows_the_item_only_and_stops_when_withdrawn(client, unit):
    community, karen = unit.community, unit.people.karen
    community.library_sharing_allowed = True
    community.save()
    item = _item(unit)
    client.force_login(karen)
    url = reverse("library:share", args=[item.pk])
    response = client.post(url, {"sharing": "public"})
    assert "Anyone who has the link, without signing in" in response.content.decode()
    client.post(url, {"sharing": "public", "confirm": "1"})
    item.refresh_from_db()
    link = reverse("library:shared", args=[item.public_token])
    assert link in client.get(item.get_absolute_url()).content.decode()

    client.logout()
    response = client.get(link)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Chemistry speaker template" in html
    assert "By Karen Liu, Department of Chemistry" in html
    assert "Administrators" not in html
    assert reverse("communities:directory") not in html  # no site navigation
    download = client.get(reverse("library:shared_download", args=[item.public_token, 1]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Visiting speaker checklist\n"
    assert download["Referrer-Policy"] == "no-referrer"
    assert (
        client.get(reverse("library:shared_download", args=[item.public_token, 2])).status_code
        == 404
    )

    client.force_login(karen)
    response = client.post(url, {"sharing": "community"})
    assert response.status_code == 302
    client.logout()
    assert client.get(link).status_code == 404
    assert (
        client.get(
            reverse("library:shared_download", args=[item.public_token or "x" * 43, 1])
        ).status_code
        == 404
    )


def test_a_wrong_or_malformed_token_is_a_404(client, unit):
    for token in ("A" * 43, "short", "bad%00token" + "x" * 30):
        assert client.get(f"/shared/library/{token}/").status_code == 404


def test_the_facilitators_closing_sharing_closes_the_public_link(client, unit):
    community = unit.community
    community.library_sharing_allowed = True
    community.save()
    item = _item(unit)
    services.share_item(actor=unit.people.karen, item=item, sharing="public", confirmed=True)
    link = reverse("library:shared", args=[item.public_token])
    assert client.get(link).status_code == 200
    community.library_sharing_allowed = False
    community.save()
    assert client.get(link).status_code == 404
    # The author may still withdraw it, so it does not come back when allowed again.
    client.force_login(unit.people.karen)
    response = client.post(reverse("library:share", args=[item.pk]), {"sharing": "community"})
    assert response.status_code == 302
    assert LibraryItem.objects.get(pk=item.pk).public_token == ""


def test_opening_sharing_is_announced_to_facilitators(unit, django_capture_on_commit_callbacks):
    from copse.communities import services as communities

    community = unit.community
    with django_capture_on_commit_callbacks(execute=True):
        communities.update_settings(
            actor=unit.people.joanne, community=community, library_sharing_allowed=True
        )
    assert permissions.library_sharing_allowed(community)
    from copse.audit.models import AuditEntry
    from copse.memberships.announcements import sentence

    entry = AuditEntry.objects.filter(action="community.settings_changed").latest("pk")
    assert sentence(entry) == ("Joanne Whitfield allowed authors to share library items beyond it.")
    assert not Notification.objects.filter(user=unit.people.joanne).exists()  # not of one's own
