"""Demo documentation projects, written through the product's services so
their revisions, reviews and statuses are real.

- The Administrators' CoP writes the SOP for booking visiting speakers that
  Diane proposed in the conversation of the same name: three section owners,
  one section approved, one in review, one still being drafted.
- The CIO CoP drafts its best-practice contract terms (one of its goals), so
  the demo's member and facilitator logins have a project to write in, manage
  and publish from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class Save:
    author: str
    body: str
    note: str = ""
    ready_for_review: bool = False


@dataclass(frozen=True)
class SectionSpec:
    title: str
    owner: str
    saves: tuple[Save, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()  # (author, body), after the saves
    approved_by: str = ""


@dataclass(frozen=True)
class ProjectSpec:
    community: str
    title: str
    started_by: str
    goal: str
    kind: str
    days_ago: int
    due_in_days: int
    sections: tuple[SectionSpec, ...] = field(default_factory=tuple)


INVITATION = """\
1. Agree the topic and two or three possible dates with the host department **before** writing to the speaker.
2. Send the invitation from the department's shared mailbox, copying the host.
3. Say what we offer: honorarium (if any), travel, one night's accommodation.
4. Ask for the talk title, a short abstract and a biography within two weeks.
5. Once a date is agreed, add it to the faculty events calendar the same day."""

INVITATION_FIRST = """\
1. Agree the topic and dates with the host department.
2. Send the invitation, copying the host.
3. Ask for a title, abstract and biography."""

ROOMS = """\
- Book the room through the room booking system as soon as the date is agreed; lecture theatres go six weeks ahead.
- Ask the speaker whether they bring their own laptop. If not, book a lectern PC.
- Catering: order through the approved caterer at least five working days ahead, with the cost centre.
- Check the room the day before: projector, microphone, recording if the speaker agreed to it."""

ROOMS_FIRST = """\
- Book the room through the room booking system as soon as the date is agreed.
- Ask the speaker whether they bring their own laptop.
- Catering: order through the approved caterer, with the cost centre."""

HONORARIA = """\
Draft, to be checked with Finance:

- An honorarium needs the speaker's bank details and, for speakers from abroad, the tax form.
- Travel is booked by us where possible; otherwise the speaker claims it on the visitor expenses form."""

RENEWALS = """\
- Renewal price increases capped at the lower of 5% or CPI.
- Notice of any price change at least 90 days before renewal.
- No automatic renewal for more than twelve months without written agreement."""

DATA_EXIT = """\
- Our data stays ours: exportable at any time, in a documented format, at no charge.
- On exit the vendor keeps our data for 60 days, then deletes it and confirms in writing.
- Transition help at the rates of the current contract."""

PROJECTS = (
    ProjectSpec(
        community="administrators-cop",
        title="SOP: booking visiting speakers",
        started_by="diane.morrison@university.example",
        goal=(
            "One procedure every faculty can use to invite, host and pay a visiting "
            "speaker, replacing Engineering's five-year-old version."
        ),
        kind="sop",
        days_ago=5,
        due_in_days=24,
        sections=(
            SectionSpec(
                title="Inviting the speaker and agreeing dates",
                owner="diane.morrison@university.example",
                saves=(
                    Save("diane.morrison@university.example", INVITATION_FIRST, "First draft"),
                    Save(
                        "diane.morrison@university.example",
                        INVITATION,
                        "What we offer, and the events calendar",
                        ready_for_review=True,
                    ),
                ),
                comments=(
                    (
                        "karen.liu@university.example",
                        "Clear. Chemistry asks for the biography at the same time as the "
                        "abstract; saves a second email.",
                    ),
                ),
                approved_by="joanne.whitfield@university.example",
            ),
            SectionSpec(
                title="Rooms, AV and catering",
                owner="amira.hassan@university.example",
                saves=(
                    Save("amira.hassan@university.example", ROOMS_FIRST, "First draft"),
                    Save(
                        "lee@university.example",
                        ROOMS,
                        "Lead times, and the check the day before",
                        ready_for_review=True,
                    ),
                ),
                comments=(
                    (
                        "karen.liu@university.example",
                        "Could we say who to call when the projector fails on the day?",
                    ),
                ),
            ),
            SectionSpec(
                title="Honoraria, travel and expense forms",
                owner="karen.liu@university.example",
                saves=(Save("karen.liu@university.example", HONORARIA, "Draft"),),
            ),
        ),
    ),
    ProjectSpec(
        community="sv-cio-cop",
        title="Best-practice contract terms for buying software",
        started_by="maria@northwind.example",
        goal=(
            "Contract terms for buying software that are fair to buyers and sellers, "
            "for every member to start their next negotiation from."
        ),
        kind="template",
        days_ago=20,
        due_in_days=40,
        sections=(
            SectionSpec(
                title="Renewals and price increases",
                owner="dev@contoso.example",
                saves=(Save("dev@contoso.example", RENEWALS, "What we ask for at Contoso"),),
            ),
            SectionSpec(
                title="Data ownership and leaving a vendor",
                owner="grace.kim@fabrikam.example",
                saves=(
                    Save(
                        "grace.kim@fabrikam.example",
                        DATA_EXIT,
                        "From our last two exits",
                        ready_for_review=True,
                    ),
                ),
                comments=(
                    (
                        "dev@contoso.example",
                        "Sixty days is short for us; ninety, with a copy delivered before deletion?",
                    ),
                ),
            ),
            SectionSpec(title="Service levels and credits", owner="maria@northwind.example"),
        ),
    ),
)


def load_projects(loader) -> None:
    from copse.communities.models import Community
    from copse.projects.models import Project

    for spec in PROJECTS:
        community = Community.objects.filter(slug=spec.community).first()
        if (
            community is None
            or Project.objects.filter(community=community, title=spec.title).exists()
        ):
            continue
        _write(loader, community, spec)
        loader._count("documentation projects")


def _as(loader, email):
    from copse.core.permissions import forget_standings

    person = loader.people[email]
    forget_standings(person)
    return person


def _write(loader, community, spec: ProjectSpec) -> None:
    from copse.projects import services
    from copse.projects.models import Project, Section, SectionComment, SectionRevision

    starter = _as(loader, spec.started_by)
    started = loader.now - timedelta(days=spec.days_ago)
    project = services.start_project(
        actor=starter,
        community=community,
        title=spec.title,
        goal=spec.goal,
        due_on=(loader.now + timedelta(days=spec.due_in_days)).date(),
        kind=spec.kind,
        section_titles=[s.title for s in spec.sections],
    )
    sections = list(project.sections.order_by("position"))
    step = timedelta(days=spec.days_ago) / (2 + sum(len(s.saves) + 2 for s in spec.sections))
    when = started
    for section, section_spec in zip(sections, spec.sections, strict=True):
        section.project = project
        services.update_section(
            actor=starter,
            section=section,
            title=section.title,
            owner=_as(loader, section_spec.owner),
        )
        for save in section_spec.saves:
            when += step
            services.save_section(
                actor=_as(loader, save.author),
                section=section,
                body=save.body,
                based_on=section.revision,
                note=save.note,
                ready_for_review=save.ready_for_review,
            )
            SectionRevision.objects.filter(section=section, number=section.revision).update(
                created_at=when
            )
            Section.objects.filter(pk=section.pk).update(revised_at=when)
        for author, body in section_spec.comments:
            when += step
            comment = services.comment_on_section(
                actor=_as(loader, author), section=section, body=body
            )
            SectionComment.objects.filter(pk=comment.pk).update(created_at=when)
        if section_spec.approved_by:
            when += step
            services.approve_section(
                actor=_as(loader, section_spec.approved_by),
                section=section,
                revision=section.revision,
            )
            Section.objects.filter(pk=section.pk).update(approved_at=when)
    Project.objects.filter(pk=project.pk).update(created_at=started, updated_at=when)
