"""`copse demo` loads the seed stories once, and the six demo logins work."""

from io import StringIO

import pytest
from django.core.management import call_command

from copse.communities.models import Community
from copse.core import demo, testing
from copse.memberships.models import Invitation, JoinRequest, Membership

pytestmark = pytest.mark.django_db

SLUGS = {"sv-cio-cop", "sv-ao-cop", "administrators-cop", "instructional-design"}


def _load() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    from copse.accounts.models import User
    from copse.audit.models import AuditEntry
    from copse.conversations.models import Post, Thread
    from copse.norms.models import NormsAcceptance, NormsVersion
    from copse.organisations.models import Organisation

    models = (
        Organisation,
        User,
        Community,
        Membership,
        JoinRequest,
        Invitation,
        NormsVersion,
        NormsAcceptance,
        Thread,
        Post,
        AuditEntry,
    )
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "communities": list(
            Community.objects.order_by("slug").values_list(
                "slug", "member_count", "norms_version", "created_at"
            )
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values_list(
                "community__slug", "user__email", "role", "status", "norms_accepted", "joined_at"
            )
        ),
    }


def test_running_the_demo_twice_changes_nothing():
    first = _load()
    before = _snapshot()
    second = _load()
    assert _snapshot() == before
    assert "Demo loaded" in first
    assert "nothing changed" in second


def test_the_demo_loads_the_four_communities_of_the_seed_stories():
    _load()
    communities = {c.slug: c for c in Community.objects.all()}
    assert set(communities) == SLUGS
    cio = communities["sv-cio-cop"]
    assert (cio.visibility, cio.listed, cio.join_policy) == ("confidential", True, "invitation")
    assert cio.meeting_cadence == "Half a day every month at a member company, with dinner"
    assert cio.member_count >= 15
    ao = communities["sv-ao-cop"]
    assert (ao.visibility, ao.join_policy, ao.per_organisation_cap) == ("members", "request", 2)
    assert ao.eligibility == "director-level applications or operations leaders"
    admins = communities["administrators-cop"]
    assert (admins.kind, admins.visibility, admins.join_policy) == (
        "internal",
        "members",
        "request",
    )
    assert admins.eligibility == "administrative role"
    design = communities["instructional-design"]
    assert (design.visibility, design.join_policy) == ("open", "open")
    for community in communities.values():
        counted = Membership.objects.filter(
            community=community,
            status__in=Membership.SEATED,
            role__in=["member", "facilitator"],
        ).count()
        assert community.member_count == counted, community.slug


def test_member_companies_respect_the_per_organisation_caps():
    from django.db.models import Count

    _load()
    for community in Community.objects.exclude(per_organisation_cap=None):
        largest = (
            Membership.objects.filter(
                community=community,
                status__in=Membership.SEATED,
                role__in=["member", "facilitator"],
            )
            .values("organisation")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        assert largest["n"] <= community.per_organisation_cap, community.slug


def test_each_demo_login_signs_in_with_the_demo_password():
    from django.test import Client

    _load()
    for email, _ in demo.LOGINS:
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": demo.PASSWORD})
        assert response.status_code == 302, (email, response.content[:500])
        assert client.get("/communities/").context["user"].email == email


def test_the_demo_logins_stand_where_the_product_brief_says():
    from copse.core.permissions import standing

    _load()
    by_email = {}
    for membership in Membership.objects.select_related("user", "community"):
        by_email.setdefault(membership.user.email, {})[membership.community.slug] = membership
    from copse.accounts.models import User

    admin = User.objects.get(email="admin@copse.example")
    assert admin.is_staff and admin.is_superuser
    assert "admin@copse.example" not in by_email
    assert by_email["maria@northwind.example"]["sv-cio-cop"].role == "facilitator"
    assert by_email["dev@contoso.example"]["sv-cio-cop"].role == "member"
    assert set(by_email["ana@fabrikam.example"]) == {"sv-ao-cop"}
    assert by_email["sam@vendor.example"]["sv-cio-cop"].role == "guest_presenter"
    assert by_email["lee@university.example"]["administrators-cop"].role == "member"
    cio = Community.objects.get(slug="sv-cio-cop")
    ana = User.objects.get(email="ana@fabrikam.example")
    assert not standing(ana, cio).is_seated


def test_ana_cannot_read_the_cio_cop(client):
    _load()
    client.post("/accounts/login/", {"login": "ana@fabrikam.example", "password": demo.PASSWORD})
    telecom = "telecom costs doubled"
    assert client.get("/c/sv-cio-cop/").status_code == 200  # listed: its name is public
    assert telecom not in client.get("/c/sv-cio-cop/").content.decode()
    assert client.get("/c/sv-cio-cop/threads/").status_code == 404


def test_the_administrators_cop_has_a_delegate_for_a_member_who_stepped_back():
    _load()
    delegate = Membership.objects.get(community__slug="administrators-cop", role="delegate")
    assert delegate.principal is not None
    assert delegate.principal.status == "on_leave"


def test_norms_are_versioned_and_two_cio_members_have_not_accepted_the_latest():
    from copse.norms.models import NormsVersion

    _load()
    cio = Community.objects.get(slug="sv-cio-cop")
    versions = list(NormsVersion.objects.filter(community=cio).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].change_note
    assert "stays here" in versions[1].body.splitlines()[0]
    behind = Membership.objects.filter(
        community=cio, role__in=["member", "facilitator"], norms_accepted__lt=2
    )
    assert 1 <= behind.count() <= 2
    for community in Community.objects.all():
        assert community.norms_version >= 1


def test_facilitators_have_requests_and_an_invitation_waiting():
    _load()
    assert JoinRequest.objects.filter(community__slug="sv-ao-cop", status="pending").count() >= 2
    assert Invitation.objects.filter(
        community__slug="sv-cio-cop", accepted_at=None, revoked_at=None
    ).exists()


def test_if_empty_does_nothing_when_a_community_exists():
    testing.make_community(slug="already-here")
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert list(Community.objects.values_list("slug", flat=True)) == ["already-here"]
    assert "not loaded" in out.getvalue()


def test_if_empty_loads_an_empty_database():
    call_command("demo", "--if-empty", stdout=StringIO())
    assert set(Community.objects.values_list("slug", flat=True)) == SLUGS


def test_print_logins_shows_every_login_with_the_password_and_address(settings):
    _load()
    out = StringIO()
    demo.print_logins(out)
    text = out.getvalue()
    assert demo.PASSWORD in text
    assert settings.BASE_URL in text
    for email, _ in demo.LOGINS:
        assert email in text


def test_demo_conversations_tell_the_telecom_story(client):
    from copse.conversations.models import Thread
    from copse.conversations.selectors import ask_stats
    from copse.search.selectors import SearchFilters, search

    _load()
    ask = Thread.objects.get(title="Telecom costs are out of control: who has switched carriers?")
    assert ask.author.email == "dev@contoso.example" and ask.community.slug == "sv-cio-cop"
    stats = ask_stats(ask)
    assert stats.organisations >= 5 and stats.helpful >= 2
    assert "$250K" in ask.summary and ask.ask_state == "answered"
    assert Thread.objects.filter(community__slug="sv-cio-cop", reply_count__gte=300).exists()
    assert (
        Thread.objects.filter(tags__kind="vendor", community__slug="sv-cio-cop").distinct().count()
        >= 2
    )
    dev = ask.author
    assert search(dev, "carriers", SearchFilters()).count >= 1
    ana = Membership.objects.get(user__email="ana@fabrikam.example").user
    assert search(ana, "carriers", SearchFilters()).count == 0
    # The open community's discussions are public.
    open_thread = Thread.objects.filter(community__slug="instructional-design").first()
    assert client.get(open_thread.get_absolute_url()).status_code == 200
