"""`copse demo` loads the seed stories once, and the six demo logins work."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.communities.models import Community
from copse.demo import loader, people
from copse.memberships.models import Invitation, JoinRequest, Membership

pytestmark = pytest.mark.django_db

SLUGS = {
    "sv-cio-cop",
    "sv-ao-cop",
    "administrators-cop",
    "instructional-design",
    "principals-circle",
}


def _load() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _snapshot() -> dict:
    from copse.accounts.models import User
    from copse.audit.models import AuditEntry
    from copse.conversations.models import Post, PostAttachment, Thread
    from copse.decisions.models import Position, PositionReply, Proposal, ProposalRevision
    from copse.library.models import ItemVersion, LibraryItem, Reuse
    from copse.meetings import models as meetings
    from copse.norms.models import NormsAcceptance, NormsVersion
    from copse.notifications.models import Notification
    from copse.organisations.models import Organisation
    from copse.projects.models import Project, Section, SectionComment, SectionRevision
    from copse.topics.models import Topic, TopicVote

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
        PostAttachment,
        AuditEntry,
        meetings.MeetingSeries,
        meetings.Meeting,
        meetings.AgendaItem,
        meetings.Rsvp,
        meetings.Material,
        meetings.ActionItem,
        meetings.HostOffer,
        meetings.PresentationFeedback,
        meetings.SummaryComment,
        Topic,
        TopicVote,
        Project,
        Section,
        SectionRevision,
        SectionComment,
        Notification,
        LibraryItem,
        ItemVersion,
        Reuse,
        Proposal,
        Position,
        PositionReply,
        ProposalRevision,
    )
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "meetings": list(
            meetings.Meeting.objects.order_by("pk").values_list(
                "starts_at",
                "host_organisation",
                "sequence",
                "going_count",
                "waitlist_count",
                "summary_published_at",
                "updated_at",
            )
        ),
        "rsvps": list(
            meetings.Rsvp.objects.order_by("pk").values_list("place", "attended", "answered_at")
        ),
        "topics": list(
            Topic.objects.order_by("pk").values_list("status", "vote_count", "status_changed_at")
        ),
        "communities": list(
            Community.objects.order_by("slug").values_list(
                "slug", "member_count", "norms_version", "created_at"
            )
        ),
        "proposals": list(
            Proposal.objects.order_by("pk").values_list(
                "status", "created_at", "deadline", "closed_at", "outcome_at", "revision"
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
    assert (ao.visibility, ao.join_policy, ao.per_organisation_cap) == ("members", "members", 2)
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


def test_demo_organisations_are_verified_the_way_a_real_site_verifies_them():
    """Companies through their people's confirmed addresses, the university's
    units (one shared domain) by the site administrator; so the capped
    communities' members all hold a verified organisation."""
    from copse.accounts.models import User
    from copse.audit.models import AuditEntry

    _load()
    maria = User.objects.get(email="maria@northwind.example")
    assert (maria.organisation.name, maria.organisation_source) == ("Northwind Traders", "domain")
    lee = User.objects.get(email="lee@university.example")
    assert lee.organisation_source == "admin" and lee.organisation.kind == "unit"
    assert lee.organisation_verified_by.email == "admin@copse.example"
    assert AuditEntry.objects.filter(action="organisation.set_by_admin", subject=lee).exists()
    assert AuditEntry.objects.filter(action="organisation.verified_by_domain", subject=maria)
    for community in Community.objects.exclude(per_organisation_cap=None):
        seated = Membership.objects.filter(
            community=community,
            status__in=Membership.SEATED,
            role__in=["member", "facilitator"],
        ).select_related("user")
        assert seated.exists()
        for membership in seated:
            assert membership.user.organisation_source in ("admin", "domain"), membership.user
            assert membership.organisation_id == membership.user.organisation_id


def test_each_demo_login_signs_in_with_the_demo_password():
    from django.test import Client

    _load()
    for email, _ in people.LOGINS:
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": people.PASSWORD})
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
    client.post("/accounts/login/", {"login": "ana@fabrikam.example", "password": people.PASSWORD})
    telecom = "telecom costs doubled"
    assert client.get("/c/sv-cio-cop/").status_code == 200  # listed: its name is public
    assert telecom not in client.get("/c/sv-cio-cop/").content.decode()
    assert client.get("/c/sv-cio-cop/threads/").status_code == 404


def test_the_administrators_cop_has_a_delegate_for_a_member_who_stepped_back():
    _load()
    delegate = Membership.objects.get(community__slug="administrators-cop", role="delegate")
    assert delegate.principal is not None
    assert delegate.principal.status == "on_leave"


def test_every_demo_seat_says_who_gave_it_and_how(client):
    _load()
    seats = Membership.objects.filter(status__in=Membership.SEATED)
    assert not seats.filter(seated_via="").exists()
    # The founding facilitators were seated by the site admin, as first facilitators,
    # and told so in an announcement.
    first = seats.filter(seated_via="first_facilitator")
    assert first.exists()
    assert set(first.values_list("seated_by__email", flat=True)) == {"admin@copse.example"}
    delegate = seats.get(community__slug="administrators-cop", role="delegate")
    assert delegate.seated_via == "delegate"
    assert seats.filter(
        community=delegate.community, user=delegate.seated_by, role="facilitator"
    ).exists()
    client.force_login(first.first().user)
    page = client.get(reverse("communities:members", args=[first.first().community.slug]))
    assert "first facilitator" in page.content.decode()


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
    loader.print_logins(out)
    text = out.getvalue()
    assert people.PASSWORD in text
    assert settings.BASE_URL in text
    for email, _ in people.LOGINS:
        assert email in text


def test_demo_conversations_tell_the_telecom_story(client):
    from copse.conversations.models import PostAttachment, Thread
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
    # A reply carries the checklist it speaks of, and the thread page links to it.
    checklist = PostAttachment.objects.get(
        post__thread=ask, original_name="telecom-audit-checklist.csv"
    )
    assert checklist.post.author.email == "luis.ortega@alpineskihouse.example"
    client.force_login(ask.author)
    download = reverse("conversations:attachment", args=["sv-cio-cop", checklist.pk])
    page = client.get(ask.get_absolute_url()).content.decode()
    assert download in page
    assert client.get(download)["Content-Disposition"].startswith("attachment")
    # Dev saved it to the library, credited to Luis; Priya's template waits to be saved.
    saved = checklist.library_items.get()
    assert [str(a) for a in saved.authors.all()] == ["Luis Ortega, Alpine Ski House"]
    assert saved.created_by == ask.author and saved.source_thread == ask
    assert f'In the library: <a href="{saved.get_absolute_url()}">' in page
    template = PostAttachment.objects.get(post__thread=ask, original_name="carrier-rfp-template.md")
    assert reverse("library:save_attachment", args=["sv-cio-cop", template.pk]) in page
    client.logout()
    dev = ask.author
    assert search(dev, "carriers", SearchFilters()).count >= 1
    ana = Membership.objects.get(user__email="ana@fabrikam.example").user
    assert search(ana, "carriers", SearchFilters()).count == 0
    # The open community's discussions are public.
    open_thread = Thread.objects.filter(community__slug="instructional-design").first()
    assert client.get(open_thread.get_absolute_url()).status_code == 200


# --- Meetings and topics ------------------------------------------------------------------


def _series_meetings(slug: str, title: str):
    from copse.meetings.models import MeetingSeries

    series = MeetingSeries.objects.get(community__slug=slug, title=title)
    return series, list(
        series.meetings.select_related("host_organisation", "host_contact").order_by("starts_at")
    )


def _months_apart(meetings) -> list[int]:
    """Calendar months between consecutive meetings, in the meetings' own time zone."""
    from itertools import pairwise
    from zoneinfo import ZoneInfo

    months = [
        (local.year * 12 + local.month)
        for local in (m.starts_at.astimezone(ZoneInfo(m.time_zone)) for m in meetings)
    ]
    return [b - a for a, b in pairwise(months)]


def _next_cio_meeting():
    from django.utils import timezone

    _, meetings = _series_meetings("sv-cio-cop", "Monthly meeting")
    return next(m for m in meetings if m.starts_at > timezone.now())


def test_the_cio_cop_has_a_year_of_monthly_half_days_hosted_in_rotation():
    from django.utils import timezone

    from copse.meetings.models import HostOffer

    _load()
    now = timezone.now()
    series, meetings = _series_meetings("sv-cio-cop", "Monthly meeting")
    assert series.rrule == "FREQ=MONTHLY;INTERVAL=1;BYDAY=+2TH"
    past = [m for m in meetings if m.ends_at < now]
    # A year held, and the next months on the calendar.
    assert len(past) == 12 and len(meetings) - len(past) >= 5
    span = past[-1].starts_at - past[0].starts_at
    assert 300 <= span.days < 366, span
    assert _months_apart(meetings) == [1] * (len(meetings) - 1)
    assert all(m.format == "half_day_dinner" and m.length_minutes == 240 for m in meetings)

    # A different member company hosts each month, as the rotation suggested.
    hosts = [m.host_organisation for m in meetings]
    assert None not in hosts and len(set(hosts)) == len(meetings)
    willing = set(
        HostOffer.objects.filter(community__slug="sv-cio-cop", willing=True).values_list(
            "organisation__name", flat=True
        )
    )
    assert {h.name for h in hosts} <= willing
    assert all(m.host_contact.organisation == m.host_organisation for m in meetings)
    # The announcement in the conversations: Litware hosts the next one.
    assert _next_cio_meeting().host_organisation.name == "Litware"


def test_past_cio_meetings_have_two_presenters_slides_attendance_and_a_published_record():
    from django.utils import timezone

    from copse.meetings.models import AgendaItem

    _load()
    now = timezone.now()
    _, meetings = _series_meetings("sv-cio-cop", "Monthly meeting")
    past = [m for m in meetings if m.ends_at < now]
    for meeting in past:
        presenters = [
            i.presenter for i in meeting.agenda_items.select_related("presenter") if i.presenter
        ]
        assert len(presenters) >= 2, meeting.title
        assert meeting.dinner_venue and meeting.address
        assert meeting.starts_at < meeting.summary_published_at < now
        assert "## What we learned" in meeting.summary_markdown
        assert "<h2>What we learned</h2>" in meeting.summary_html
        attended = meeting.rsvps.filter(attended=True).count()
        assert 10 <= attended <= meeting.going_count
        assert meeting.rsvps.filter(attended=False).exists()  # someone said yes, did not come
        assert meeting.action_items.exists()
        materials = list(meeting.materials.all())
        assert materials, meeting.title
        for material in materials:
            assert material.content_type == "application/pdf"
            assert material.original_name.endswith(".pdf")
            with material.file.open("rb") as handle:
                data = handle.read()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
            assert material.size == len(data)
            assert material.created_at < now
    # Member presenters and outside experts, who came as guest presenters.
    items = AgendaItem.objects.filter(meeting__in=past, presenter__isnull=False)
    roles = {
        item.presenter.email: Membership.objects.get(
            community__slug="sv-cio-cop", user=item.presenter
        ).role
        for item in items.select_related("presenter")
    }
    assert sum(role == "guest_presenter" for role in roles.values()) >= 2
    assert sum(role in ("member", "facilitator") for role in roles.values()) >= 6


def test_the_cio_cops_twelve_records_are_in_its_library_with_their_slides(client):
    from copse.library.models import LibraryItem

    _load()
    records = list(
        LibraryItem.objects.filter(community__slug="sv-cio-cop", kind="meeting_record")
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )
    assert len(records) == 12
    for item in records:
        meeting = item.meeting
        assert item.title == meeting.title  # "Monthly meeting, March 2026"
        assert item.updated_at == meeting.summary_published_at
        version = item.versions.get()
        assert version.body_markdown == meeting.summary_markdown
        assert version.created_at == meeting.summary_published_at
        credited = {a.person.email for a in item.authors.select_related("person")}
        assert "maria@northwind.example" in credited
        assert meeting.materials.exists()
    # A member reads one in the library, with its slides to download.
    dev = testing.make_user()  # not seated: reads nothing of it
    client.force_login(dev)
    assert client.get(records[-1].get_absolute_url()).status_code == 404
    client.force_login(records[-1].authors.first().person)
    page = client.get(records[-1].get_absolute_url()).content.decode()
    for material in records[-1].meeting.materials.all():
        assert material.original_name in page
    records_page = client.get(reverse("meetings:records", args=["sv-cio-cop"])).content.decode()
    assert records[-1].get_absolute_url() in records_page


def test_sam_presents_at_the_next_cio_meeting_as_a_guest_and_sees_only_that(client):
    from copse.accounts.models import User
    from copse.core import permissions
    from copse.meetings.selectors import my_upcoming_meetings

    out = _load()
    assert "sam@vendor.example" in out  # among the printed logins
    sam = User.objects.get(email="sam@vendor.example")
    cio = Community.objects.get(slug="sv-cio-cop")
    membership = Membership.objects.get(community=cio, user=sam)
    assert (membership.role, membership.status) == ("guest_presenter", "active")
    invitation = Invitation.objects.get(community=cio, email=sam.email)
    assert invitation.role == "guest_presenter" and invitation.accepted_by == sam
    assert invitation.created_at < invitation.accepted_at

    meeting = _next_cio_meeting()
    sams = [item for item in meeting.agenda_items.all() if item.presenter_id == sam.pk]
    assert len(sams) == 1 and "SIP trunking" in sams[0].title
    assert meeting.agenda_items.exclude(presenter=None).exclude(presenter=sam).exists()
    assert permissions.can(sam, "meeting.view", meeting)
    assert not permissions.can(sam, "community.read", cio)
    assert not permissions.can(sam, "meeting.view_whole", meeting)
    assert my_upcoming_meetings(sam) == [meeting]
    assert meeting.materials.filter(uploaded_by=sam).exists()

    client.post("/accounts/login/", {"login": sam.email, "password": people.PASSWORD})
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "SIP trunking" in body and "contract terms" not in body.lower()
    assert client.get("/c/sv-cio-cop/meetings/").status_code == 404
    past = meeting.series.meetings.filter(starts_at__lt=meeting.starts_at).first()
    assert client.get(past.get_absolute_url()).status_code == 404


def test_the_ao_cop_meets_every_other_month():
    from django.utils import timezone

    _load()
    series, meetings = _series_meetings("sv-ao-cop", "Half-day meeting")
    assert series.rrule.startswith("FREQ=MONTHLY;INTERVAL=2;")
    assert len(meetings) >= 5
    assert set(_months_apart(meetings)) == {2}
    past = [m for m in meetings if m.ends_at < timezone.now()]
    assert len(past) >= 2 and all(m.summary_published_at for m in past)
    assert all(m.host_organisation for m in meetings)


def test_the_administrators_cop_has_a_full_site_visit_with_a_waitlist(client):
    from django.utils import timezone

    from copse.meetings.models import Meeting, Rsvp

    _load()
    visit = Meeting.objects.get(community__slug="administrators-cop", kind="site_visit")
    assert visit.starts_at > timezone.now()
    assert visit.host_organisation.name == "Faculty of Engineering"
    assert visit.capacity and visit.going_count == visit.capacity
    assert visit.waitlist_count >= 1
    lee = Rsvp.objects.get(meeting=visit, user__email="lee@university.example")
    assert lee.place == Rsvp.Place.WAITLISTED

    client.post(
        "/accounts/login/", {"login": "lee@university.example", "password": people.PASSWORD}
    )
    body = client.get(visit.get_absolute_url()).content.decode()
    assert "You are on the waitlist." in body and "Waitlist, in order" in body
    assert Meeting.objects.filter(
        community__slug="administrators-cop", kind="workshop", summary_published_at__isnull=False
    ).exists()


def test_the_designers_web_conference_takes_the_topics_members_voted_for():
    from django.db.models import Count
    from django.utils import timezone

    from copse.topics.models import Topic

    _load()
    now = timezone.now()
    series, meetings = _series_meetings("instructional-design", "Monthly web conference")
    assert series.format == "online"
    assert all(m.web_link.startswith("https://") for m in meetings)
    topics = Topic.objects.filter(community__slug="instructional-design").annotate(
        voters=Count("votes__user", distinct=True)
    )
    assert all(t.voters == t.vote_count for t in topics)
    assert sum(t.vote_count >= 3 for t in topics) >= 5
    assert len({v for t in topics for v in t.votes.values_list("user", flat=True)}) >= 6

    upcoming = next(m for m in meetings if m.starts_at > now)
    on_agenda = [item.topic for item in upcoming.agenda_items.select_related("topic")]
    assert on_agenda and None not in on_agenda
    open_topics = topics.filter(status__in=["proposed", "scheduled"])
    top = max(open_topics, key=lambda t: t.vote_count)
    assert top in on_agenda and top.status == "scheduled"
    assert all(item.presenter_id for item in upcoming.agenda_items.all())
    assert all(
        t.vote_count >= max(o.vote_count for o in open_topics.filter(status="proposed"))
        for t in on_agenda
    )
    # Topics of the web conferences already held were covered by their records.
    for meeting in (m for m in meetings if m.ends_at < now):
        assert meeting.summary_published_at
        assert {i.topic.status for i in meeting.agenda_items.select_related("topic")} == {"covered"}


def test_demo_members_have_a_mix_of_mail_choices_and_mail_to_look_at(
    db, django_capture_on_commit_callbacks
):
    from copse.accounts.models import User
    from copse.mailing.models import CommunityDelivery, OutgoingMessage

    with django_capture_on_commit_callbacks(execute=True):
        loader.load()
    modes = set(CommunityDelivery.objects.values_list("mode", flat=True))
    assert modes == {"every", "daily", "weekly", "none"}
    dev = User.objects.get(email="dev@contoso.example")
    assert CommunityDelivery.objects.get(user=dev, community__slug="sv-cio-cop").mode == "every"
    # Mail goes to memory in tests, as to files in a demo: digests were sent.
    digests = OutgoingMessage.objects.filter(kind="digest", state="sent")
    assert digests.exists()
    assert OutgoingMessage.objects.filter(state="failed").count() == 0


def test_demo_can_leave_printing_the_logins_to_serve():
    quiet, loud = StringIO(), StringIO()
    call_command("demo", "--no-logins", stdout=quiet)
    call_command("demo", stdout=loud)
    assert "maria@northwind.example" not in quiet.getvalue()
    assert "maria@northwind.example" in loud.getvalue()


def test_margarets_template_is_adapted_with_credit_and_re_used(client):
    from decimal import Decimal

    from copse.accounts.models import User
    from copse.library.models import LibraryItem

    _load()
    template = LibraryItem.objects.get(title="Visiting speaker template")
    assert template.community.slug == "administrators-cop"
    assert [str(a) for a in template.authors.all()] == ["Margaret Osei, Office of the President"]
    assert (template.reuse_count, template.hours_saved) == (2, Decimal("5.0"))
    chemistry = LibraryItem.objects.get(adapted_from=template)
    assert [str(a) for a in chemistry.authors.all()] == ["Karen Liu, Department of Chemistry"]
    assert chemistry.sharing == "site"
    chain_end = LibraryItem.objects.get(adapted_from=chemistry)
    assert chain_end.community.slug == "instructional-design"

    # Lee, in the Administrators' CoP, sees the credit and the re-uses.
    client.force_login(User.objects.get(email="lee@university.example"))
    html = client.get(chemistry.get_absolute_url()).content.decode()
    assert (
        "<em>Visiting speaker template</em></a> by Margaret Osei, Office of the President" in html
    )
    html = client.get(template.get_absolute_url()).content.decode()
    assert "Re-used 2 times · 5 hours saved" in html
    assert "Adapted in 1 community" in html

    # Ana reads Chemistry's adaptation through its site-wide share, not Margaret's original.
    client.force_login(User.objects.get(email="ana@fabrikam.example"))
    html = client.get(chemistry.get_absolute_url()).content.decode()
    assert "Adapted from work by Margaret Osei, Office of the President" in html
    assert template.get_absolute_url() not in html
    assert client.get(template.get_absolute_url()).status_code == 404

    # The CIO CoP's clause checklist is public by link.
    checklist = LibraryItem.objects.get(title="Software contract clause checklist")
    client.logout()
    assert client.get(reverse("library:shared", args=[checklist.public_token])).status_code == 200


def test_sandras_reply_links_the_minutes_template_from_the_library(client):
    from copse.accounts.models import User
    from copse.library.models import LibraryItem, PostLibraryLink

    _load()
    minutes = LibraryItem.objects.get(title="Committee minutes template")
    link = PostLibraryLink.objects.select_related("post__thread").get(item=minutes)
    assert link.post.author.email == "sandra.kowalski@university.example"
    assert link.post.thread == minutes.source_thread
    client.force_login(User.objects.get(email="lee@university.example"))
    html = client.get(link.post.thread.get_absolute_url()).content.decode()
    assert (
        f'Library: <a href="{minutes.get_absolute_url()}"><em>Committee minutes template</em></a>'
        " — Template" in html
    )


# --- What the members decided, and what is open ----------------------------------------


def _circle_email(name: str) -> str:
    return "farah@riverbend.example" if name == "farah" else f"{name}@riverbend.example"


def test_the_principals_circle_is_eight_principals_of_eight_schools():
    _load()
    circle = Community.objects.get(slug="principals-circle")
    seated = Membership.objects.filter(
        community=circle, status="active", role__in=["member", "facilitator"]
    ).select_related("organisation")
    assert seated.count() == 8
    schools = {m.organisation for m in seated}
    assert len(schools) == 8
    assert {(s.kind, s.parent_institution) for s in schools} == {("unit", people.DISTRICT)}
    assert circle.join_policy == "members"


def test_the_circles_facilitator_rotated_by_nominations_that_passed_and_were_accepted():
    from django.utils import timezone

    from copse.audit.models import AuditEntry
    from copse.decisions.models import Proposal

    _load()
    circle = Community.objects.get(slug="principals-circle")
    rotations = list(
        Proposal.objects.filter(community=circle, kind="facilitator").order_by("created_at")
    )
    assert [p.nominee.email for p in rotations] == [
        "daniel.okafor@riverbend.example",
        "helen.park@riverbend.example",
    ]
    for proposal in rotations:
        assert proposal.status == "passed" and proposal.nominee_accepted is True
        assert proposal.outcome and proposal.closed_at < timezone.now()
        assert proposal.positions.filter(stance="agree").count() >= 6
    roles = dict(Membership.objects.filter(community=circle).values_list("user__email", "role"))
    assert [e for e, role in roles.items() if role == "facilitator"] == [
        "helen.park@riverbend.example"
    ]
    # Each outgoing facilitator stepped back to member themselves, after the handover.
    for email in ("alma.reyes@riverbend.example", "daniel.okafor@riverbend.example"):
        assert roles[email] == "member"
        stepped = AuditEntry.objects.get(
            community=circle, action="membership.role_changed", subject__email=email
        )
        assert stepped.actor.email == email
        assert (stepped.detail["old"], stepped.detail["new"]) == ("facilitator", "member")
        assert stepped.at < timezone.now() - timezone.timedelta(days=30)


def test_the_circle_passed_a_norms_change_after_a_block_was_answered_and_withdrawn():
    from django.utils import timezone

    from copse.audit.models import AuditEntry
    from copse.decisions.models import Proposal
    from copse.norms.models import NormsVersion

    _load()
    circle = Community.objects.get(slug="principals-circle")
    proposal = Proposal.objects.get(community=circle, kind="norms")
    assert proposal.status == "passed"
    assert proposal.outcome and proposal.review_on > timezone.localdate()
    assert proposal.revision == 2 and proposal.revisions.get().note
    assert "recorded" in proposal.revisions.get().norms_text
    kenji = proposal.positions.get(user__email="kenji.watanabe@riverbend.example")
    assert kenji.stance == "agree" and kenji.revision == 2
    assert kenji.replies.filter(author=proposal.proposed_by).exists()
    assert AuditEntry.objects.filter(
        action="proposal.block_withdrawn", actor=kenji.user, detail__proposal=proposal.pk
    ).exists()
    assert not proposal.positions.filter(stance="block").exists()
    latest = NormsVersion.objects.filter(community=circle).order_by("-number").first()
    assert latest.number == 2 and latest.body == proposal.norms_text
    assert latest.published_at < timezone.now() - timezone.timedelta(days=7)
    seated = Membership.objects.filter(community=circle, status="active")
    behind = seated.filter(norms_accepted__lt=2)
    assert 1 <= behind.count() <= 2
    assert seated.filter(user__email="farah@riverbend.example", norms_accepted=2).exists()


def test_the_cio_cop_decided_to_host_in_turn_with_an_outcome():
    from copse.decisions.models import Proposal

    _load()
    decided = Proposal.objects.get(community__slug="sv-cio-cop", status="passed")
    assert "in turn" in decided.title
    assert decided.outcome_by.email == "maria@northwind.example"
    assert decided.review_on is not None
    assert decided.positions.filter(stance="disagree").exclude(reason="").exists()


def test_every_community_has_an_open_proposal_waiting_for_its_demo_login(client):
    from django.utils import timezone
    from django.utils.html import escape

    from copse.accounts.models import User
    from copse.decisions.models import Proposal
    from copse.decisions.services import waiting_for

    _load()
    soon = timezone.now() + timezone.timedelta(days=2)
    open_ones = Proposal.objects.filter(status="open", deadline__gt=soon)
    assert set(open_ones.values_list("community__slug", flat=True)) == SLUGS
    for proposal in open_ones:
        assert proposal.positions.exclude(reason="").exists(), proposal.title
        assert proposal.positions.values("stance").distinct().count() >= 2, proposal.title
    logins = {
        "maria@northwind.example": "sv-cio-cop",
        "dev@contoso.example": "sv-cio-cop",
        "ana@fabrikam.example": "sv-ao-cop",
        "lee@university.example": "administrators-cop",
        "farah@riverbend.example": "principals-circle",
    }
    for email, slug in logins.items():
        waiting = [
            p
            for p in open_ones.filter(community__slug=slug)
            if waiting_for(p).filter(user__email=email).exists()
            and getattr(p.proposed_by, "email", None) != email
        ]
        assert waiting, email
        client.force_login(User.objects.get(email=email))
        page = client.get(reverse("decisions:detail", args=[slug, waiting[0].pk]))
        assert page.status_code == 200 and escape(waiting[0].title) in page.content.decode()
        listing = client.get(reverse("decisions:list", args=[slug]))
        assert escape(waiting[0].title) in listing.content.decode()
    # The delegate reads the Administrators' proposal; the answer is his principal's.
    tom = User.objects.get(email="tom.becker@university.example")
    client.force_login(tom)
    proposal = open_ones.filter(community__slug="administrators-cop").first()
    page = client.get(reverse("decisions:detail", args=[proposal.community.slug, proposal.pk]))
    assert page.status_code == 200
    assert not waiting_for(proposal).filter(user=tom).exists()


def test_the_ao_members_decide_who_joins():
    from copse.decisions.models import Proposal

    _load()
    waiting = JoinRequest.objects.filter(community__slug="sv-ao-cop", status="pending")
    assert waiting.count() >= 2
    for join_request in waiting:
        assert join_request.members_decide
        assert Proposal.objects.get(join_request=join_request).status == "open"
    dana = Membership.objects.get(
        community__slug="sv-ao-cop", user__email="dana.whitaker@wideworldimporters.example"
    )
    assert dana.seated_via == "members_decided" and dana.seated_by is None
    decided = Proposal.objects.get(join_request__user=dana.user)
    assert decided.status == "passed" and decided.outcome
    assert decided.closed_at < timezone.now()
