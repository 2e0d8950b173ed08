"""Community pages render for the people who may see them, with fixed query counts."""

import pytest
from django.urls import reverse

from copse import testing


@pytest.fixture
def open_community(db):
    community = testing.make_community(
        slug="instructional-design",
        name="Instructional Designers",
        visibility="open",
        join_policy="open",
    )
    facilitator = testing.make_user(name="Fay Facilitator")
    testing.seat(community, facilitator, role="facilitator")
    return community


def test_directory_lists_listed_communities_for_anonymous(client, open_community):
    hidden = testing.make_community(
        slug="hidden", name="Hidden Circle", listed=False, visibility="confidential"
    )
    response = client.get(reverse("communities:directory"))
    assert response.status_code == 200
    assert b"Instructional Designers" in response.content
    assert hidden.name.encode() not in response.content


def test_community_home_shows_purpose_and_join_button(client, open_community):
    user = testing.make_user()
    client.force_login(user)
    response = client.get(open_community.get_absolute_url())
    assert response.status_code == 200
    assert b"Join Instructional Designers" in response.content


def test_site_admin_creates_a_community_and_appoints_its_facilitator(client, db):
    from copse.audit.models import AuditEntry
    from copse.communities.models import Community
    from copse.memberships.models import Membership

    admin = testing.make_site_admin()
    maria = testing.make_user("maria@northwind.example", name="Maria Lopez")
    client.force_login(admin)
    form = {
        "slug": "sv-cio-cop",
        "name": "Silicon Valley CIO CoP",
        "purpose": "CIOs learning from each other",
        "goals": "",
        "topic_areas": "People\nTechnology\nTechnology",
        "kind": "cross",
        "visibility": "confidential",
        "listed": "on",
        "join_policy": "invitation",
        "eligibility": "CIOs",
        "per_organisation_cap": "",
        "size_cap": "25",
        "meeting_cadence": "Monthly",
        "who_may_propose": "contributors",
        "norms_review_months": "12",
        "facilitators": [maria.pk],
    }
    response = client.post(reverse("communities:programme_new"), form)
    assert response.status_code == 302
    community = Community.objects.get(slug="sv-cio-cop")
    assert community.topic_areas == ["People", "Technology"]
    assert Membership.objects.get(community=community, user=maria).role == "facilitator"
    assert AuditEntry.objects.filter(
        action="membership.facilitator_appointed", subject=maria
    ).exists()

    again = client.post(reverse("communities:programme_new"), {**form, "name": "Copy"})
    assert again.status_code == 400
    assert b"Copy" in again.content  # what was typed is kept


def test_facilitator_changes_settings_and_it_is_audited(client, open_community):
    from copse.audit.models import AuditEntry
    from copse.memberships.models import Membership

    facilitator = Membership.objects.get(community=open_community, role="facilitator").user
    client.force_login(facilitator)
    url = reverse("communities:settings", args=[open_community.slug])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "name": open_community.name,
        "purpose": "Designing learning together",
        "goals": "",
        "topic_areas": "Design",
        "kind": "cross",
        "visibility": "open",
        "listed": "on",
        "join_policy": "open",
        "eligibility": "",
        "per_organisation_cap": "5",
        "size_cap": "3",
        "meeting_cadence": "",
        "who_may_propose": "contributors",
        "norms_review_months": "12",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400
    assert b"cannot be larger than the size limit" in bad.content
    data["per_organisation_cap"] = "2"
    assert client.post(url, data).status_code == 302
    open_community.refresh_from_db()
    assert open_community.purpose == "Designing learning together"
    entry = AuditEntry.objects.get(action="community.settings_changed")
    assert entry.actor == facilitator and "purpose" in entry.detail["changes"]


def test_directory_searches_and_paginates_by_keyset(client, db):
    for n in range(55):
        testing.make_community(slug=f"group-{n:02d}", name=f"Group {n:02d}", visibility="open")
    first = client.get(reverse("communities:directory"))
    assert b"Group 49" in first.content and b"Group 50" not in first.content
    assert b"Next communities" in first.content
    second = client.get(reverse("communities:directory") + "?after=Group 49|999999")
    assert b"Group 50" in second.content
    found = client.get(reverse("communities:directory") + "?q=Group 07")
    assert b"Group 07" in found.content and b"Group 08" not in found.content
    empty = client.get(reverse("communities:directory") + "?q=zzzz")
    assert b"No community matches" in empty.content


def test_profile_is_saved_with_its_time_zone(client, db):
    user = testing.make_user()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Lee Chen",
            "job_title": "Administrator",
            "organisation": "",
            "time_zone": "Europe/Paris",
            "bio": "Hi",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.time_zone == "Europe/Paris" and user.initials == "LC"
    bad = client.post(
        reverse("accounts:profile"), {"display_name": "Lee Chen", "time_zone": "Mars/Olympus"}
    )
    assert bad.status_code == 400


def test_directory_search_with_htmx_returns_only_the_list(client, open_community):
    response = client.get(
        reverse("communities:directory") + "?q=Instruct", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="directory-list">')
    assert "Instructional Designers" in body and "<html" not in body


def test_members_page_is_paged_by_keyset(client, db):
    community = testing.make_community(visibility="members")
    people = [testing.make_user(name=f"Member {n:03d}") for n in range(130)]
    for person in people:
        testing.seat(community, person)
    client.force_login(people[0])
    first = client.get(reverse("communities:members", args=[community.slug])).content.decode()
    assert "Member 099" in first and "Member 100" not in first and "More members" in first
    import re

    cursor = re.search(r'href="\?after=([^"]+)"', first).group(1)
    second = client.get(
        reverse("communities:members", args=[community.slug]) + f"?after={cursor}"
    ).content.decode()
    assert "Member 100" in second and "Member 129" in second and "Member 099" not in second
    assert "More members" not in second
