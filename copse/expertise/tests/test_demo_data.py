"""The demo tells who knows what: "Who has used Vendor Networks?" answers in
the CIO CoP, and each community has a knowledge gap made of real data."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from copse.accounts.models import User
from copse.communities.models import Community
from copse.conversations.models import Tag
from copse.expertise import selectors

pytestmark = pytest.mark.django_db

LOOKS = {
    "sv-cio-cop": "dev@contoso.example",
    "sv-ao-cop": "ana@fabrikam.example",
    "administrators-cop": "lee@university.example",
    "instructional-design": "ines.garcia@university.example",
}


def test_the_demo_answers_who_has_used_vendor_networks_and_shows_a_gap_everywhere(client):
    call_command("demo", "--no-logins", stdout=StringIO())
    people = {u.email: u for u in User.objects.filter(email__in=LOOKS.values())}
    vendor = Tag.objects.get(community__isnull=True, slug="vendor-networks")
    dev = people["dev@contoso.example"]
    used = selectors.who_has_used(dev, vendor)
    names = [u.person.name for u in used]
    assert names[:2] == ["David Levy", "Nadia Haddad"]  # their experience first
    assert {"Priya Nair", "Luis Ortega", "Mei Lin"} <= set(names)  # helpful replies
    assert any(u.presented for u in used)  # a meeting record mentions it
    # Fatima shared hers in the A/O CoP only: Ana sees her there, Dev does not.
    assert "Fatima El-Amin" not in names
    ana = people["ana@fabrikam.example"]
    assert [u.person.name for u in selectors.who_has_used(ana, vendor)] == ["Fatima El-Amin"]

    for slug, email in LOOKS.items():
        community = Community.objects.get(slug=slug)
        gaps = selectors.knowledge_gaps(people[email], community).items
        assert gaps, slug
    cio = Community.objects.get(slug="sv-cio-cop")
    succession = selectors.knowledge_gaps(dev, cio).items[0]
    assert succession.name == "Succession"
    assert [s.person.name for s in succession.presenters] == ["Dr. Ruth Adler"]
    admins = Community.objects.get(slug="administrators-cop")
    accessibility = selectors.knowledge_gaps(people["lee@university.example"], admins).items[0]
    assert [(s.person.name, s.community_name) for s in accessibility.people] == [
        ("Inés García", "Instructional Designers")
    ]

    # The pages are linked for the demo's member.
    client.force_login(dev)
    home = client.get(reverse("communities:home", args=["sv-cio-cop"])).content.decode()
    assert reverse("expertise:community", args=["sv-cio-cop"]) in home
    page = client.get(reverse("expertise:community", args=["sv-cio-cop"])).content.decode()
    assert "?tag=vendor-networks" in page and "Succession" in page
    mine = client.get(reverse("expertise:mine")).content.decode()
    assert "/me/expertise/areas/" in mine and "/me/expertise/experience/" in mine
