"""The demo's health stories, so that the facilitators' health page has
something to say:

- Henrik Olsen, in the A/O CoP since its first months, came to one meeting
  months ago and has said nothing since: the quiet member his facilitator
  sees, with the kind nudge ready to send.
- Joanne, who facilitates the Administrators' CoP, answers everything
  herself: her posts are most of the community's, so the airtime figure is
  high and the replies run through her rather than between members.
- Maria nudged Olu three weeks ago, when he had missed the CIO CoP's
  meetings after his company's merger; the nudge is in her log.

Written through the services (seats as the loader seats them); only the
times are set back afterwards. Helpful marks given while the demo loads are
dated a day after their reply, as if the asker read it then, so that the
time to a helpful reply is a time a person would take. Idempotent: each
story is looked up first and left alone when it is there.
"""

from __future__ import annotations

from datetime import timedelta

from copse.demo.people import PACIFIC, Person

AO = "sv-ao-cop"
QUIET = Person(
    "henrik.olsen@contoso.example",
    "Henrik Olsen",
    "Director of Infrastructure Operations",
    "Contoso",
    PACIFIC,
    "Runs Contoso's data centres and network operations. Moving two data centres into one "
    "this year.",
)
QUIET_JOINED_DAYS_AGO = 600
# He last came to the latest A/O meeting held at least this many days ago
# (the CoP meets every other month, and the demo has three of its meetings
# held, the oldest of them four months ago or more).
QUIET_LAST_SEEN_DAYS_AGO = 100

ADMINS = "administrators-cop"
TALKER = "joanne.whitfield@university.example"
TALK_TITLE = "Notes from our lunch: room bookings, travel claims and the new calendar"
# (days ago, words) of the facilitator's own thread, opening first.
TALK = (
    (
        45,
        "My notes from Tuesday's lunch, so nobody has to take their own. Room bookings: "
        "the new system goes live next month. Travel claims: the form changed again.",
    ),
    (44, "One more on room bookings: recurring bookings have to be made again in the new system."),
    (38, "Travel claims: Finance says receipts can be photos from now on."),
    (
        30,
        "The shared calendar: I have made one for the whole community; tell me if you need access.",
    ),
    (23, "A reminder about the new room system: training sessions are on Thursdays."),
    (16, "I have put the travel claim checklist in the library."),
    (9, "Next lunch: I will bring the agenda and the notes again."),
)
# Her replies in the community's conversations, (thread title, hours after its last post, words).
TALK_REPLIES = (
    (
        "Is there a template for committee minutes we can all use?",
        20,
        "Thank you, Sandra. I will also send round the version the Senate office uses.",
    ),
    (
        "Is there a template for committee minutes we can all use?",
        60,
        "I have added both to the library and will bring them to the next lunch.",
    ),
    (
        "Writing the SOP for booking visiting speakers together",
        6,
        "Good idea. I will draft the rooms and AV section myself this week.",
    ),
    (
        "Writing the SOP for booking visiting speakers together",
        30,
        "My draft of the rooms section is done; I will write the honoraria part too.",
    ),
)

CIO = "sv-cio-cop"
NUDGER = "maria@northwind.example"
NUDGED = "olu.adeyemi@adventure-works.example"
NUDGED_DAYS_AGO = 21
NUDGE = (
    "Hello Olu,\n\n"
    "We have missed you at the last meetings; I know the merger has taken every hour you "
    "have. No pressure at all: if something from the integration is worth a question to "
    "the group, we would love to help. And the October session is on vendor contracts, "
    "right where you are now.\n\n"
    "Warm regards,\nMaria"
)


def load_health(loader) -> None:
    _helpful_marks_read_a_day_later(loader)
    _quiet_member(loader)
    _facilitator_who_talks_too_much(loader)
    _nudge_sent_earlier(loader)


def _helpful_marks_read_a_day_later(loader) -> None:
    from django.db.models import F

    from copse.conversations.models import Post

    Post.objects.filter(helpful=True, helpful_at__gte=loader.now).update(
        helpful_at=F("created_at") + timedelta(days=1)
    )


def _quiet_member(loader) -> None:
    from copse.communities.models import Community
    from copse.core.permissions import forget_standings
    from copse.mailing.models import CommunityDelivery
    from copse.meetings import services as meetings
    from copse.meetings.models import Meeting, Rsvp
    from copse.memberships.models import Membership
    from copse.memberships.services import _recount
    from copse.norms.models import NormsAcceptance
    from copse.norms.services import accept_current_norms

    community = Community.objects.filter(slug=AO).first()
    if community is None:
        return
    henrik = loader.ensure_person(QUIET)
    if Membership.objects.filter(community=community, user=henrik).exists():
        return
    facilitator = loader.people["irene.castillo@woodgrove.example"]
    joined = loader.now - timedelta(days=QUIET_JOINED_DAYS_AGO)
    membership = Membership.objects.create(
        community=community,
        user=henrik,
        role=Membership.Role.MEMBER,
        status=Membership.Status.ACTIVE,
        organisation=henrik.organisation,
        seated_by=facilitator,
        seated_via=Membership.SeatedVia.INVITATION,
    )
    Membership.objects.filter(pk=membership.pk).update(joined_at=joined)
    _recount(community)
    forget_standings(henrik)
    loader._count("memberships")
    # Seated after the members' mail choices were made: his own, a weekly digest.
    CommunityDelivery.objects.get_or_create(
        user=henrik, community=community, defaults={"mode": "weekly"}
    )
    if community.norms_version:
        accept_current_norms(actor=henrik, community=community, membership=membership)
        NormsAcceptance.objects.filter(
            user=henrik, version__community=community, version__number=community.norms_version
        ).update(accepted_at=joined + timedelta(days=2))
    # The one meeting he came to, long ago.
    seen = loader.now - timedelta(days=QUIET_LAST_SEEN_DAYS_AGO)
    held = (
        Meeting.objects.filter(
            community=community,
            status=Meeting.Status.SCHEDULED,
            starts_at__lte=seen,
            starts_at__gte=joined,
        )
        .exclude(kind=Meeting.Kind.SIDE)
        .order_by("-starts_at")
        .first()
    )
    if held is not None:
        Rsvp.objects.get_or_create(
            meeting=held, user=henrik, defaults={"answer": "yes", "place": "going"}
        )
        Meeting.objects.filter(pk=held.pk).update(
            going_count=Rsvp.objects.filter(meeting=held, place="going").count()
        )
        forget_standings(facilitator)
        meetings.record_attendance(actor=facilitator, meeting=held, user=henrik, attended=True)
        Rsvp.objects.filter(meeting=held, user=henrik).update(
            answered_at=held.starts_at - timedelta(days=10)
        )
        loader._count("RSVPs")


def _facilitator_who_talks_too_much(loader) -> None:
    from copse.communities.models import Community
    from copse.conversations import services
    from copse.conversations.models import Post, Thread
    from copse.core.permissions import forget_standings

    community = Community.objects.filter(slug=ADMINS).first()
    if community is None or Thread.objects.filter(community=community, title=TALK_TITLE).exists():
        return
    joanne = loader.people[TALKER]
    forget_standings(joanne)
    for title, hours, words in TALK_REPLIES:
        thread = Thread.objects.filter(community=community, title=title).first()
        if thread is None:
            continue
        last = thread.posts.order_by("-position").values_list("created_at", flat=True).first()
        post = services.post_reply(actor=joanne, thread=thread, body=words)
        when = min(last + timedelta(hours=hours), loader.now - timedelta(hours=1))
        Post.objects.filter(pk=post.pk).update(created_at=when)
        Thread.objects.filter(pk=thread.pk).update(last_activity_at=when)
    (first_days, opening), *later = TALK
    thread = services.start_thread(
        actor=joanne, community=community, kind="discussion", title=TALK_TITLE, body=opening
    )
    started = loader.now - timedelta(days=first_days)
    Post.objects.filter(thread=thread, position=0).update(created_at=started)
    when = started
    for days, words in later:
        post = services.post_reply(actor=joanne, thread=thread, body=words)
        when = loader.now - timedelta(days=days)
        Post.objects.filter(pk=post.pk).update(created_at=when)
    Thread.objects.filter(pk=thread.pk).update(created_at=started, last_activity_at=when)
    loader._count("conversations")


def _nudge_sent_earlier(loader) -> None:
    from copse.audit.models import AuditEntry
    from copse.communities.models import Community
    from copse.core.permissions import forget_standings
    from copse.health import services
    from copse.health.models import Nudge

    community = Community.objects.filter(slug=CIO).first()
    maria, olu = loader.people.get(NUDGER), loader.people.get(NUDGED)
    if community is None or maria is None or olu is None:
        return
    if Nudge.objects.filter(community=community, member=olu).exists():
        return
    forget_standings(maria)
    nudge = services.send_nudge(actor=maria, community=community, member=olu, body=NUDGE)
    sent = loader.now - timedelta(days=NUDGED_DAYS_AGO)
    Nudge.objects.filter(pk=nudge.pk).update(sent_at=sent)
    AuditEntry.objects.filter(action="health.nudged", community=community, subject=olu).update(
        at=sent
    )
    loader._count("nudges")
