"""The demo site that `copse demo` loads: the cast of `people`, the
communities of `communities` with their norms, waiting requests and first
conversations, a year of meetings with their topics (`meetings`), what each
community keeps in its library (`library`), who knows what (`expertise`) and
the members' mail choices (`mail`), what the members decided together or
are deciding now (`decisions`), what taking part gave them (`value`), and
the archives a facilitator and a member asked for (`exports`), and the
webhooks their facilitators and the site administrator set up (`webhooks`).

Loading is idempotent: every row is looked up by its natural key (an email, a
slug, a name, a title) and only what is missing is created, so a second run
changes nothing. Norms, conversations and community creation go through the
product's services, so they are versioned, indexed and audited like real use.
Documentation projects (`projects`) are written through the project services.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from copse.demo.admissions import load_admissions
from copse.demo.communities import (
    COMMUNITIES,
    LONG_THREAD_COMMUNITY,
    LONG_THREAD_LINES,
    LONG_THREAD_REPLIES,
    LONG_THREAD_TITLE,
    CommunitySpec,
    Conversation,
    Seat,
)
from copse.demo.decisions import load_decisions
from copse.demo.expertise import load_expertise
from copse.demo.exports import load_exports
from copse.demo.health import load_health
from copse.demo.leave import load_leave
from copse.demo.library import load_library
from copse.demo.mail import load_mail_choices
from copse.demo.meetings import load_meetings
from copse.demo.member_imports import load_member_imports
from copse.demo.norms_together import load_norms_together
from copse.demo.people import (
    DOMAINS,
    INSTITUTIONS,
    LOGINS,
    ORGANISATIONS,
    PASSWORD,
    PEOPLE,
    UNIVERSITY,
    Person,
)
from copse.demo.polls import load_polls
from copse.demo.projects import load_projects
from copse.demo.pulses import load_pulses
from copse.demo.sponsors import load_sponsors
from copse.demo.value import load_value
from copse.demo.webhooks import load_webhooks


def _ago(now, days: float):
    return now - timedelta(days=days)


def _way_in(community, seat: Seat, user, inviter) -> dict:
    """Who seated a demo member and how, for the member list: members of an
    open community joined themselves; everyone else was invited."""
    from copse.memberships.models import Membership

    if seat.role == "delegate":
        return {"seated_by": inviter, "seated_via": Membership.SeatedVia.DELEGATE}
    if seat.role == "member" and community.join_policy == "open":
        return {"seated_by": user, "seated_via": Membership.SeatedVia.OPEN_JOIN}
    return {
        "seated_by": inviter if user != inviter else None,
        "seated_via": Membership.SeatedVia.INVITATION,
    }


class _Loader:
    """One load of the demo. Creates what is missing; never changes what exists."""

    def __init__(self):
        self.now = timezone.now()
        self.password = make_password(PASSWORD)
        self.organisations: dict = {}
        self.people: dict = {}
        self.created: dict[str, int] = {}

    def _count(self, what: str) -> None:
        """Tally one new row; `what` is the plural the summary prints."""
        self.created[what] = self.created.get(what, 0) + 1

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self._load_organisations()
            self._load_people()
            for spec in COMMUNITIES:
                self._load_community(spec)
            # Before the mail choices, so the member they admitted has one too.
            load_admissions(self)
            load_meetings(self)
            load_expertise(self)
            load_library(self)
            load_mail_choices(self)
            load_projects(self)
            load_decisions(self)
            load_polls(self)
            load_norms_together(self)
            load_sponsors(self)
            load_member_imports(self)
            load_pulses(self)
            load_health(self)
            # Last: the questions wait after the last meeting each login attended.
            load_value(self)
            # After every story Emma took part in before she went on leave.
            load_leave(self)
            # Last: an archive holds everything above.
            load_exports(self)
        # Once the rest has committed: a webhook is sent only what happens
        # after it is made, so nothing of the load goes anywhere.
        with transaction.atomic():
            load_webhooks(self)
        return self.created

    # --- Organisations and people ------------------------------------------------

    def _load_organisations(self) -> None:
        from copse.organisations.models import Organisation, OrganisationDomain

        for name, kind in ORGANISATIONS:
            organisation, created = Organisation.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "parent_institution": (
                        INSTITUTIONS.get(name, UNIVERSITY) if kind == "unit" else ""
                    ),
                },
            )
            if created:
                self._count("organisations")
            if name in DOMAINS:
                OrganisationDomain.objects.get_or_create(
                    domain=DOMAINS[name], defaults={"organisation": organisation}
                )
            self.organisations[name] = organisation

    def _load_people(self) -> None:
        for person in PEOPLE:
            self.ensure_person(person)

    def ensure_person(self, person: Person):
        """The person's account, created (with a verified address) if missing."""
        from allauth.account.models import EmailAddress

        from copse.accounts.models import User

        user = User.objects.filter(email=person.email).first()
        if user is None:
            # One hash for everyone: Argon2 is slow on purpose.
            user = User(
                email=person.email,
                password=self.password,
                display_name=person.name,
                job_title=person.job_title,
                time_zone=person.time_zone,
                bio=person.bio,
                is_staff=person.site_admin,
                is_superuser=person.site_admin,
                date_joined=self.now - timedelta(days=400),
            )
            user.save()
            self._count("people")
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if person.organisation and user.organisation_id is None:
            user = self._verify_organisation(user, address, person.organisation)
        self.people[person.email] = user
        return user

    def _verify_organisation(self, user, address, name: str):
        """The person's organisation, verified as on a real site: by their
        confirmed address in its domain, or else by the site administrator."""
        from copse.accounts.models import User
        from copse.organisations.services import set_organisation, verify_from_address

        organisation = self.organisations[name]
        verify_from_address(email_address=address)
        user = User.objects.select_related("organisation").get(pk=user.pk)
        if user.organisation_id != organisation.pk:
            set_organisation(
                actor=self.people["admin@copse.example"], user=user, organisation=organisation
            )
            user.refresh_from_db()
        return user

    # --- Communities ---------------------------------------------------------------

    def _load_community(self, spec: CommunitySpec) -> None:
        from copse.communities.models import Community
        from copse.communities.services import create_community
        from copse.memberships.services import _recount

        admin = self.people["admin@copse.example"]
        community = Community.objects.filter(slug=spec.slug).first()
        created_at = _ago(self.now, spec.age_days)
        new = community is None
        if new:
            community = create_community(
                actor=admin,
                facilitators=[self.people[email] for email in spec.facilitators],
                slug=spec.slug,
                **spec.fields,
            )
            Community.objects.filter(pk=community.pk).update(created_at=created_at)
            self._count("communities")
        for entry in spec.catalogue:
            self._catalogue_entry(admin, *entry)
        self._seat_members(community, spec, created_at if new else None)
        _recount(community)
        self._publish_norms(community, spec)
        self._ask_to_join(community, spec)
        self._invite(community, spec)

    def _catalogue_entry(self, admin, name: str, kind: str) -> None:
        from copse.conversations.models import Tag
        from copse.conversations.services import add_to_catalogue

        if not Tag.objects.filter(community__isnull=True, name__iexact=name, kind=kind).exists():
            add_to_catalogue(actor=admin, name=name, kind=kind)

    def _seat_members(self, community, spec: CommunitySpec, created_at) -> None:
        """Seat the members (not through the join services: they would email
        everyone). `created_at` is set when the community is new: the joining
        dates are then spread over its life."""
        from copse.core.permissions import forget_standings
        from copse.memberships.models import Membership

        seats = spec.seats
        # The story behind each seat: the first facilitator invited them (a
        # delegate through the member they stand in for), as the member list shows.
        inviter = self.people[spec.facilitators[0]]
        for n, seat in enumerate(seats):
            user = self.people[seat.email]
            principal = None
            if seat.principal:
                principal = Membership.objects.get(
                    community=community, user=self.people[seat.principal]
                )
            membership, created = Membership.objects.get_or_create(
                community=community,
                user=user,
                defaults={
                    "role": seat.role,
                    "status": seat.status,
                    "organisation": user.organisation,
                    "principal": principal,
                    **_way_in(community, seat, user, inviter),
                },
            )
            if created:
                if created_at is not None:
                    span = (self.now - created_at) * 0.8
                    joined = created_at + span * (n + 1) / (len(seats) + 1)
                    Membership.objects.filter(pk=membership.pk).update(joined_at=joined)
                self._count("memberships")
            forget_standings(user)
        if created_at is not None:
            Membership.objects.filter(
                community=community, user__email__in=spec.facilitators
            ).update(joined_at=created_at)

    def _publish_norms(self, community, spec: CommunitySpec) -> None:
        from copse.core.permissions import READING_ROLES, SEATED_STATUSES, forget_standings
        from copse.memberships.models import Membership
        from copse.norms.models import NormsAcceptance, NormsVersion
        from copse.norms.services import accept_current_norms, publish_norms

        facilitator = self.people[spec.facilitators[0]]
        for number, norms in enumerate(spec.norms, start=1):
            if community.norms_version >= number:
                continue
            forget_standings(facilitator)
            version = publish_norms(
                actor=facilitator,
                community=community,
                body=norms.body,
                change_note=norms.change_note,
            )
            published_at = _ago(self.now, norms.days_ago)
            NormsVersion.objects.filter(pk=version.pk).update(published_at=published_at)
            self._count("norms versions")
            members = Membership.objects.filter(
                community=community, status__in=SEATED_STATUSES, role__in=READING_ROLES
            ).select_related("user")
            for n, membership in enumerate(members):
                if (
                    membership.user.email in norms.not_accepted_by
                    or membership.norms_accepted >= version.number  # the publisher
                ):
                    continue
                accept_current_norms(
                    actor=membership.user, community=community, membership=membership
                )
                NormsAcceptance.objects.filter(version=version, user=membership.user).update(
                    accepted_at=published_at + timedelta(hours=5 + 7 * n)
                )
            if number == 1:
                # Conversations begin once everyone has accepted the first norms.
                for conversation in spec.conversations:
                    self._converse(community, conversation)
                if spec.slug == LONG_THREAD_COMMUNITY:
                    self._long_thread(community)

    def _long_thread(self, community) -> None:
        """A year of weekly "one thing that worked" replies: 320 posts, written in
        bulk (no notifications for a year of history) and then indexed."""
        from copse.conversations import search_index
        from copse.conversations.models import Post, Thread
        from copse.conversations.rendering import render_post
        from copse.memberships.models import Membership

        if Thread.objects.filter(community=community, title=LONG_THREAD_TITLE).exists():
            return
        members = [
            m.user
            for m in Membership.objects.filter(
                community=community, status="active", role__in=("member", "facilitator")
            )
            .select_related("user")
            .order_by("pk")
        ]
        started = _ago(self.now, 360)
        thread = Thread.objects.create(
            community=community,
            kind="discussion",
            title=LONG_THREAD_TITLE,
            author=self.people["maria@northwind.example"],
            visibility_floor=community.visibility,
            last_activity_at=self.now - timedelta(hours=6),
            last_position=LONG_THREAD_REPLIES,
            reply_count=LONG_THREAD_REPLIES,
        )
        Thread.objects.filter(pk=thread.pk).update(created_at=started)
        opening = (
            "Once a week, one thing that worked: a practice, a vendor call that went well, "
            "a person on your team who shone. Short is fine."
        )
        rows = [
            Post(
                thread=thread,
                community=community,
                position=0,
                author=thread.author,
                body=opening,
                body_html=render_post(opening),
                created_at=started,
            )
        ]
        for position in range(1, LONG_THREAD_REPLIES + 1):
            author = members[(position * 7) % len(members)]
            body = LONG_THREAD_LINES[position % len(LONG_THREAD_LINES)].format(
                week=position // 6 + 1
            )
            rows.append(
                Post(
                    thread=thread,
                    community=community,
                    position=position,
                    author=author,
                    body=body,
                    body_html=render_post(body),
                )
            )
        Post.objects.bulk_create(rows)
        for position in range(1, LONG_THREAD_REPLIES + 1, 40):
            Post.objects.filter(
                thread=thread, position__gte=position, position__lt=position + 40
            ).update(created_at=started + timedelta(days=position * 360 / LONG_THREAD_REPLIES))
        search_index.index_thread(thread)
        self._count("conversations")

    def _converse(self, community, conversation: Conversation) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from copse.conversations import services
        from copse.conversations.models import Post, Thread
        from copse.core.permissions import forget_standings

        if Thread.objects.filter(community=community, title=conversation.title).exists():
            return
        opening, *replies = conversation.posts
        author = self.people[opening.author]
        forget_standings(author)
        thread = services.start_thread(
            actor=author,
            community=community,
            kind=conversation.kind,
            title=conversation.title,
            body=opening.body,
            tag_names=conversation.tags,
            files=[SimpleUploadedFile(name, data) for name, data in opening.files],
        )
        started = _ago(self.now, conversation.days_ago)
        Post.objects.filter(thread=thread, position=0).update(created_at=started)
        when = started
        for n, reply in enumerate(replies, start=1):
            replier = self.people[reply.author]
            forget_standings(replier)
            post = services.post_reply(
                actor=replier,
                thread=thread,
                body=reply.body,
                files=[SimpleUploadedFile(name, data) for name, data in reply.files],
            )
            when = started + timedelta(hours=3 * n + n * n)
            Post.objects.filter(pk=post.pk).update(created_at=when)
            if reply.helpful:
                services.mark_helpful(actor=author, post=post)
        if conversation.summary:
            services.save_summary(actor=author, thread=thread, summary=conversation.summary)
        Thread.objects.filter(pk=thread.pk).update(
            created_at=started, last_activity_at=when, summary_updated_at=None
        )
        if conversation.summary:
            Thread.objects.filter(pk=thread.pk).update(summary_updated_at=when)
        self._count("conversations")

    def _ask_to_join(self, community, spec: CommunitySpec) -> None:
        from copse.audit.services import record
        from copse.memberships.models import JoinRequest, Membership

        for wish in spec.join_requests:
            user = self.people[wish.email]
            known = (
                JoinRequest.objects.filter(community=community, user=user).exists()
                or Membership.objects.filter(community=community, user=user).exists()
            )
            if known:
                continue
            asked = _ago(self.now, wish.days_ago)
            members_decide = community.join_policy == community.JoinPolicy.MEMBERS
            join_request = JoinRequest.objects.create(
                community=community, user=user, note=wish.note, members_decide=members_decide
            )
            JoinRequest.objects.filter(pk=join_request.pk).update(created_at=asked)
            record(actor=user, action="membership.requested", community=community, subject=user)
            self._count("join requests")
            if members_decide:
                from copse.decisions.admissions import open_admission

                proposal = open_admission(join_request=join_request, now=asked)
                self._count("admission proposals")
                self._answer_admission(proposal, wish)

    def _answer_admission(self, proposal, wish) -> None:
        from copse.decisions.services import take_position

        for email, stance, reason in wish.answers:
            take_position(actor=self.people[email], proposal=proposal, stance=stance, reason=reason)

    def _invite(self, community, spec: CommunitySpec) -> None:
        from copse.audit.services import record
        from copse.memberships.models import Invitation

        inviter = self.people[spec.facilitators[0]]
        for invitation in spec.invitations:
            if Invitation.objects.filter(community=community, email=invitation.email).exists():
                continue
            row = Invitation.objects.create(
                community=community,
                email=invitation.email,
                role=invitation.role,
                message=invitation.message,
                invited_by=inviter,
            )
            Invitation.objects.filter(pk=row.pk).update(
                created_at=_ago(self.now, invitation.days_ago)
            )
            record(
                actor=inviter,
                action="invitation.sent",
                community=community,
                email=invitation.email,
                role=invitation.role,
            )
            self._count("invitations")


def load() -> dict[str, int]:
    """Load whatever of the demo is missing. Returns how many rows of each kind were made.

    Requests and invitations are written directly, without the services that
    would email the facilitators and invitees: the demo sends no mail. The
    meetings' guest presenters are invited through the services and accept at
    once, so the invitation mail queued for them finds the invitation used and
    is never sent.
    """
    return _Loader().run()


def print_logins(stdout) -> None:
    """The demo logins table, for `copse demo` and `copse serve --print-logins`."""
    from copse.accounts.models import User

    present = set(
        User.objects.filter(email__in=[email for email, _ in LOGINS]).values_list(
            "email", flat=True
        )
    )
    if not present:
        stdout.write("No demo logins here: this database was not loaded with `copse demo`.\n")
        return
    width = max(len(email) for email, _ in LOGINS)
    stdout.write(f"\nDemo logins at {settings.BASE_URL}/accounts/login/\n")
    stdout.write(f"Password for all of them: {PASSWORD}\n\n")
    stdout.write(f"  {'login':<{width}}  who\n")
    stdout.write(f"  {'-' * width}  {'-' * 48}\n")
    for email, who in LOGINS:
        if email in present:
            stdout.write(f"  {email:<{width}}  {who}\n")
    stdout.write("\n")
