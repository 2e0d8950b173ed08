"""A published meeting summary is filed as the meeting's record in the library,
with its materials; corrections add versions; older records came in by a data
migration."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from copse import testing
from copse.library import selectors
from copse.library.models import ItemVersion, LibraryItem
from copse.meetings import services as meetings
from copse.meetings.models import AgendaItem, Meeting
from copse.topics.models import Topic

pytestmark = pytest.mark.django_db

PACIFIC = ZoneInfo("America/Los_Angeles")
MIGRATION = "copse.library.migrations.0003_published_summaries_become_meeting_records"


@pytest.fixture
def circle():
    """A members-only community: a facilitator, a member who presents, a
    guest presenter, and a member who only reads."""
    community = testing.make_community(
        slug="cio", name="CIO Circle", visibility="members", topic_areas=["People", "Technology"]
    )
    northwind = testing.make_organisation("Northwind")
    contoso = testing.make_organisation("Contoso")
    people = {
        "facilitator": testing.make_user("fay@example.com", name="Fay", organisation=northwind),
        "presenter": testing.make_user("pat@example.com", name="Pat", organisation=contoso),
        "guest": testing.make_user("gus@example.com", name="Gus Guest"),
        "reader": testing.make_user("rea@example.com", name="Rea"),
        "outsider": testing.make_user("out@example.com", name="Olive"),
    }
    testing.seat(community, people["facilitator"], role="facilitator")
    testing.seat(community, people["presenter"])
    testing.seat(community, people["guest"], role="guest_presenter")
    testing.seat(community, people["reader"])
    return community, people


def _held(community, people, *, title="Monthly meeting", days_ago=3, slides=1):
    """A meeting that took place: the member and the guest presented, the
    member's talk scheduled a topic of an area the community has, and one of
    an area it has not."""
    start = (timezone.now() - dt.timedelta(days=days_ago)).replace(microsecond=0)
    meeting = meetings.create_meeting(
        actor=people["facilitator"],
        community=community,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        time_zone="America/Los_Angeles",
    )
    ours = Topic.objects.create(
        community=community, title="Keeping engineers", area="People", proposed_by=people["reader"]
    )
    stray = Topic.objects.create(
        community=community, title="Old", area="Astrology", proposed_by=people["reader"]
    )
    talk = AgendaItem.objects.create(
        meeting=meeting, position=1, title="Keeping engineers", presenter=people["presenter"]
    )
    AgendaItem.objects.create(
        meeting=meeting, position=2, title="Vendor view", presenter=people["guest"], topic=stray
    )
    AgendaItem.objects.filter(pk=talk.pk).update(topic=ours)
    meeting = Meeting.objects.select_related("community", "organiser").get(pk=meeting.pk)
    for n in range(slides):
        meetings.upload_material(
            actor=people["presenter"],
            meeting=meeting,
            uploaded_file=SimpleUploadedFile(f"slides-{n}.txt", b"Slide text"),
        )
    return meeting


def _publish(meeting, people, text="## What we learned\n\nPay people fairly."):
    meetings.save_summary_draft(actor=people["facilitator"], meeting=meeting, markdown=text)
    meetings.publish_summary(actor=people["facilitator"], meeting=meeting)
    return LibraryItem.objects.get(meeting=meeting, kind="meeting_record")


# --- Publishing files the record ------------------------------------------------------


def test_publishing_a_summary_files_it_as_the_meetings_record(circle):
    community, people = circle
    meeting = _held(community, people)
    assert not LibraryItem.objects.exists()
    item = _publish(meeting, people)

    local_day = meeting.starts_at.astimezone(PACIFIC).date()
    assert item.community == community
    assert item.title.startswith("Monthly meeting — ")
    assert str(local_day.year) in item.title
    assert "Keeping engineers; Vendor view" in item.description
    # Only areas the community has.
    assert item.topic_areas == ["People"]
    assert item.created_by == people["facilitator"]
    assert item.sharing == "community"
    # The organiser and the member who presented, with their organisations
    # then; the guest presenter does not read the library and is not named.
    credit = [(a.person, a.organisation_name) for a in item.authors.all()]
    assert credit == [(people["facilitator"], "Northwind"), (people["presenter"], "Contoso")]
    version = item.versions.get()
    assert version.number == 1 and item.version_count == 1
    assert version.body_markdown == meeting.summary_markdown
    assert "<h2>What we learned</h2>" in version.body_html


def test_a_title_that_names_its_month_is_not_dated_twice(circle):
    from copse.library.services import meeting_record_title

    community, people = circle
    meeting = _held(community, people)
    local = meeting.starts_at.astimezone(PACIFIC)
    meeting.title = f"Monthly meeting, {local:%B %Y}"
    assert meeting_record_title(meeting) == meeting.title
    meeting.title = "Monthly meeting"
    assert meeting_record_title(meeting) == f"Monthly meeting — {local.day} {local:%B %Y}"


def test_credit_stays_as_it_was_when_a_presenter_moves_on(circle):
    community, people = circle
    item = _publish(_held(community, people), people)
    presenter = people["presenter"]
    presenter.organisation = testing.make_organisation("Fabrikam")
    presenter.save()
    assert item.authors.get(person=presenter).organisation_name == "Contoso"


def test_correcting_a_published_record_adds_a_version_with_its_note(circle):
    community, people = circle
    meeting = _held(community, people)
    item = _publish(meeting, people)
    meetings.revise_summary(
        actor=people["facilitator"],
        meeting=meeting,
        markdown="## What we learned\n\nPay people fairly, and say so.",
        change_note="Added what members said about pay",
    )
    item.refresh_from_db()
    assert item.version_count == 2
    assert list(item.versions.values_list("number", "change_note")) == [
        (2, "Added what members said about pay"),
        (1, "Published with the meeting's summary"),
    ]
    assert "say so" in item.versions.get(number=2).body_markdown
    # The first text is still there.
    assert item.versions.get(number=1).body_markdown.endswith("Pay people fairly.")
    # Still one record per meeting.
    assert LibraryItem.objects.filter(meeting=meeting).count() == 1


def test_a_correction_needs_a_note_and_a_change_and_the_organisers_permission(circle):
    community, people = circle
    meeting = _held(community, people)
    _publish(meeting, people)
    with pytest.raises(meetings.MeetingError, match="what you changed"):
        meetings.revise_summary(
            actor=people["facilitator"], meeting=meeting, markdown="New", change_note="  "
        )
    with pytest.raises(meetings.MeetingError, match="Nothing changed"):
        meetings.revise_summary(
            actor=people["facilitator"],
            meeting=meeting,
            markdown=meeting.summary_markdown,
            change_note="Typo",
        )
    with pytest.raises(meetings.NotAllowed):
        meetings.revise_summary(
            actor=people["presenter"], meeting=meeting, markdown="Mine", change_note="Mine"
        )
    assert ItemVersion.objects.count() == 1


def test_a_draft_is_not_corrected_but_saved(circle):
    community, people = circle
    meeting = _held(community, people)
    meetings.save_summary_draft(actor=people["facilitator"], meeting=meeting, markdown="Draft")
    with pytest.raises(meetings.MeetingError, match="still a draft"):
        meetings.revise_summary(
            actor=people["facilitator"], meeting=meeting, markdown="More", change_note="More"
        )
    assert not LibraryItem.objects.exists()


def test_filing_again_changes_nothing(circle):
    from copse.library.services import file_meeting_record

    community, people = circle
    meeting = _held(community, people)
    item = _publish(meeting, people)
    again = file_meeting_record(meeting=meeting, actor=people["facilitator"])
    assert again.pk == item.pk
    assert ItemVersion.objects.count() == 1
    assert LibraryItem.objects.get(pk=item.pk).version_count == 1


def test_the_record_is_not_filed_when_publishing_fails(circle):
    """The record and the publication stand or fall together."""
    community, people = circle
    meeting = _held(community, people)
    meetings.save_summary_draft(actor=people["facilitator"], meeting=meeting, markdown="Notes")
    with pytest.raises(meetings.NotAllowed):
        meetings.publish_summary(actor=people["presenter"], meeting=meeting)
    assert not LibraryItem.objects.exists()


def test_correcting_through_the_meeting_page(client, circle):
    community, people = circle
    meeting = _held(community, people)
    item = _publish(meeting, people)
    url = reverse("meetings:summary", args=["cio", meeting.pk])
    client.force_login(people["facilitator"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Correct the record" in page

    typed = "## What we learned\n\nA new paragraph nobody must lose."
    response = client.post(url, {"summary": typed, "change_note": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say in a few words what you changed." in body
    assert "A new paragraph nobody must lose." in body

    response = client.post(url, {"summary": typed, "change_note": "Added a paragraph"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.version_count == 2
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Added a paragraph" in page


# --- The item page and the records page ---------------------------------------------------


def test_the_item_page_lists_the_meetings_materials_and_links_to_the_meeting(client, circle):
    community, people = circle
    meeting = _held(community, people, slides=2)
    item = _publish(meeting, people)
    client.force_login(people["reader"])
    page = client.get(item.get_absolute_url()).content.decode()
    assert meeting.get_absolute_url() in page
    for material in meeting.materials.all():
        url = reverse("meetings:material", args=["cio", meeting.pk, material.pk])
        assert url in page
        assert material.original_name in page
        download = client.get(url)
        assert download.status_code == 200
        assert "attachment" in download["Content-Disposition"]


def test_the_records_page_links_each_record_to_the_library(client, circle):
    community, people = circle
    meeting = _held(community, people)
    item = _publish(meeting, people)
    client.force_login(people["reader"])
    page = client.get(reverse("meetings:records", args=["cio"])).content.decode()
    assert item.get_absolute_url() in page


@pytest.mark.parametrize("slides", [1, 12], ids=["few", "many"])
def test_the_item_page_runs_a_fixed_number_of_queries(
    client, circle, django_assert_max_num_queries, slides
):
    community, people = circle
    item = _publish(_held(community, people, slides=slides), people)
    client.force_login(people["reader"])
    url = item.get_absolute_url()
    client.get(url)
    # Measured: 14 at both sizes (session, user, three for standings, item,
    # authors, tags, versions, re-uses, adaptations, unread count, the meeting,
    # its materials).
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.content.decode().count("slides-") == slides


def test_guest_presenter_reaches_the_meeting_but_not_its_record(client, circle):
    community, people = circle
    meeting = _held(community, people)
    item = _publish(meeting, people)
    client.force_login(people["guest"])
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get(item.get_absolute_url()).status_code == 404


def test_the_materials_never_show_to_someone_who_may_not_see_the_meeting(client, circle):
    """Should a record ever be read beyond its community (here: marked shared
    by hand in a community that allows sharing), the partial shows neither
    the meeting nor its files."""
    community, people = circle
    community.library_sharing_allowed = True
    community.save(update_fields=["library_sharing_allowed"])
    meeting = _held(community, people)
    item = _publish(meeting, people)
    LibraryItem.objects.filter(pk=item.pk).update(sharing="site")
    item.refresh_from_db()
    outsider = people["outsider"]
    assert selectors.meeting_record_of(outsider, item) is None
    assert selectors.meeting_record_of(people["reader"], item) is not None

    client.force_login(outsider)
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200  # the share lets them read the item itself
    page = response.content.decode()
    assert "slides-0" not in page
    assert meeting.get_absolute_url() not in page
    material = meeting.materials.get()
    assert reverse("meetings:material", args=["cio", meeting.pk, material.pk]) not in page


def test_other_kinds_show_no_meeting(circle):
    from copse.library import services

    community, people = circle
    meeting = _held(community, people)
    page = services.create_item(
        actor=people["reader"],
        community=community,
        kind="page",
        title="Notes",
        body="Text",
        meeting=meeting,
    )
    assert selectors.meeting_record_of(people["reader"], page) is None


# --- The data migration -----------------------------------------------------------------------


def _published_before_the_library(meeting, people, text="## Old record"):
    """A summary published the way it was before publishing filed records."""
    when = meeting.ends_at + dt.timedelta(days=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        summary_markdown=text, summary_html=f"<p>{text}</p>", summary_published_at=when
    )
    return when


def test_the_migration_files_every_published_summary_once(circle):
    community, people = circle
    old = [_held(community, people, title=f"Meeting {n}", days_ago=40 + n) for n in range(3)]
    published = [_published_before_the_library(m, people, f"Record {n}") for n, m in enumerate(old)]
    draft = _held(community, people, title="Draft only")
    meetings.save_summary_draft(actor=people["facilitator"], meeting=draft, markdown="Draft")
    already = _publish(_held(community, people, title="Already filed"), people)

    migration = importlib.import_module(MIGRATION)
    migration.file_published_summaries(apps, None)
    migration.file_published_summaries(apps, None)  # idempotent

    records = LibraryItem.objects.filter(kind="meeting_record")
    assert records.count() == 4
    assert not records.filter(meeting=draft).exists()
    assert LibraryItem.objects.get(pk=already.pk).version_count == 1
    for n, (meeting, when) in enumerate(zip(old, published, strict=True)):
        item = records.get(meeting=meeting)
        assert item.community == community
        assert item.title.startswith(f"Meeting {n} — ")
        assert item.topic_areas == ["People"]
        assert item.created_by == people["facilitator"]
        assert item.updated_at == when and item.created_at == when
        assert item.version_count == 1
        version = item.versions.get()
        assert (version.number, version.body_markdown) == (1, f"Record {n}")
        assert version.body_html == f"<p>Record {n}</p>"
        assert version.created_at == when
        credit = [(a.person, a.organisation_name, a.position) for a in item.authors.all()]
        assert credit == [
            (people["facilitator"], "Northwind", 0),
            (people["presenter"], "Contoso", 1),
        ]


def test_the_migration_describes_records_as_publishing_does(circle):
    """The migration writes its rules out; they must say what the service says."""
    community, people = circle
    old = _held(community, people, title="Old")
    _published_before_the_library(old, people)
    importlib.import_module(MIGRATION).file_published_summaries(apps, None)
    migrated = LibraryItem.objects.get(meeting=old)
    LibraryItem.objects.filter(pk=migrated.pk).delete()
    Meeting.objects.filter(pk=old.pk).update(summary_published_at=None)
    old = Meeting.objects.select_related("community", "organiser").get(pk=old.pk)
    filed = _publish(old, people, text="## Old record")
    for field in ("title", "description", "topic_areas", "community_id", "kind"):
        assert getattr(filed, field) == getattr(migrated, field), field
    assert [a.person_id for a in filed.authors.all()] == [
        people["facilitator"].pk,
        people["presenter"].pk,
    ]
