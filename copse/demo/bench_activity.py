"""Growing the evidence that a community works, for benchmarks: a year of
meetings with answers and attendance, helpful marks on asks, value stories,
members' time estimates, quarterly trust pulses, and a sponsor to read the
report (`copse bench-data`).

Rows are bulk-inserted, a few thousand to a statement; the services would
take minutes at this size. Pulse answers are written as the service writes
them: no person and no time on an answer, whether someone answered in a
table of its own, and the two shuffled apart. Never run it on a real site.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from copse.demo.bench_communities import BATCH

PAST_MEETINGS = 12
PULSES = 4
OPEN_ANSWERS = (
    "More time for open questions at the end.",
    "Smaller groups for the hard topics.",
    "I would like to hear from the quieter members.",
    "Keep the dinner; that is where the real talk happens.",
    "A reminder of the norms at the start of each meeting.",
)
STORIES = {
    "immediate": "It was useful to be in the room when the carriers came up.",
    "potential": "I learned how others run their renewal negotiations.",
    "applied": "I changed how we review vendor contracts.",
    "realised": "Renegotiating the telecom contract saved us money.",
    "reframing": "We now count avoided outages as a success, not only savings.",
}
CYCLE_WEIGHTS = {"immediate": 3, "potential": 3, "applied": 2, "realised": 2, "reframing": 1}


def grow_activity(*, communities, posts: bool = True, seed: int = 1, progress=None) -> dict:
    """Add a year of activity in `communities` (the batch's active ones):
    meetings, helpful marks on asks (when `posts`), value stories, time
    estimates and trust pulses, and a sponsor for the batch. Returns the figures."""
    from copse.memberships.models import Membership

    rng = random.Random(seed)
    say = progress or (lambda message: None)
    communities = list(communities)
    seats: dict[int, list[int]] = defaultdict(list)
    facilitators: dict[int, int] = {}
    for user_id, community_id, role in (
        Membership.objects.filter(
            community__in=communities, status="active", role__in=("member", "facilitator")
        )
        .order_by("pk")
        .values_list("user_id", "community_id", "role")
    ):
        seats[community_id].append(user_id)
        if role == "facilitator":
            facilitators.setdefault(community_id, user_id)
    figures = {}
    with transaction.atomic():
        figures.update(_meetings(communities, seats, facilitators, rng))
        say(f"{figures['meetings']:,} meetings, {figures['rsvps']:,} answers to them")
        figures.update(grow_meeting_records(communities, rng))
        say(
            f"{figures['records']:,} published meeting records with agendas, action items and "
            f"materials, {figures['topics']:,} topics; search indexes rebuilt"
        )
        if posts:
            figures["helpful"] = _helpful_marks(communities, rng)
            say(f"{figures['helpful']:,} replies marked helpful")
        else:
            figures["helpful"] = 0
        figures.update(_value(communities, seats, rng))
        say(f"{figures['stories']:,} value stories, {figures['estimates']:,} time estimates")
        figures.update(_pulses(communities, seats, facilitators, rng))
        say(f"{figures['pulses']:,} trust pulses, {figures['pulse_answers']:,} answers")
        figures["sponsor"] = _sponsor(communities[0])
    return figures


def _meetings(communities, seats, facilitators, rng) -> dict:
    """Twelve monthly meetings in the past year and one in two weeks, each
    answered by most members; those who said yes mostly came."""
    from copse.meetings.models import Meeting, Rsvp

    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = []
    for community in communities:
        for month in range(-1, PAST_MEETINGS):
            # Month -1 is the meeting two weeks from now; 0 to 11 the past year's.
            starts = today - timedelta(days=30 * month + 15) + timedelta(hours=14)
            meetings.append(
                Meeting(
                    community=community,
                    title=f"{starts:%B %Y} meeting",
                    description="Round-table, then one member's case.",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=4),
                    time_zone="UTC",
                    format=rng.choice(("half_day_dinner", "online", "hybrid")),
                    organiser_id=facilitators.get(community.pk),
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    now = timezone.now()
    rows = []
    going: dict[int, int] = defaultdict(int)
    made = 0
    for meeting in meetings:
        past = meeting.starts_at < now
        for user_id in seats[meeting.community_id]:
            draw = rng.random()
            if draw < 0.15:
                continue  # never answered
            answer = "yes" if draw < 0.7 else ("maybe" if draw < 0.85 else "no")
            attended = None
            if past and answer == "yes":
                attended = rng.random() < 0.85
            elif past and answer == "maybe":
                attended = rng.random() < 0.4
            if answer == "yes":
                going[meeting.pk] += 1
            rows.append(
                Rsvp(
                    meeting_id=meeting.pk,
                    user_id=user_id,
                    answer=answer,
                    place="going" if answer == "yes" else "",
                    attended=attended,
                )
            )
            if len(rows) >= BATCH:
                Rsvp.objects.bulk_create(rows)
                made += len(rows)
                rows = []
    Rsvp.objects.bulk_create(rows)
    made += len(rows)
    for meeting in meetings:
        meeting.going_count = going[meeting.pk]
    Meeting.objects.bulk_update(meetings, ["going_count"], batch_size=BATCH)
    return {"meetings": len(meetings), "rsvps": made}


def grow_meeting_records(communities, rng) -> dict:
    """What search reads of meetings: each past meeting's published summary
    (Markdown, with words of the posts' vocabulary), two agenda items with
    notes, an action item and a file; five topics a community. Then the
    meeting, material, topic and norms indexes are rebuilt, as after any
    bulk load. Also run on data built before meetings had records."""
    from copse.demo.bench_conversations import _Text
    from copse.meetings import search as meeting_search
    from copse.meetings.models import ActionItem, AgendaItem, Material, Meeting
    from copse.norms import search as norms_search
    from copse.topics import search as topic_search
    from copse.topics.models import Topic

    text = _Text(rng)
    now = timezone.now()
    past = Meeting.objects.filter(community__in=communities, starts_at__lt=now)
    records, agenda, actions, files = [], [], [], []
    for meeting in past.only("pk", "community_id"):
        meeting.summary_markdown = (
            f"## What we learned\n\n- **{text.sentence(4)}** {text.sentence(14)}\n"
            f"- {text.sentence(12)}\n\n## Next\n\n{text.sentence(10)}"
        )
        meeting.summary_html = "<p>Record</p>"
        meeting.summary_published_at = now
        records.append(meeting)
        for position in (1, 2):
            agenda.append(
                AgendaItem(
                    meeting_id=meeting.pk,
                    position=position,
                    title=text.sentence(4)[:200],
                    notes=text.sentence(16),
                )
            )
        actions.append(ActionItem(meeting_id=meeting.pk, text=text.sentence(6)[:300]))
        name = "-".join(text.sentence(3).rstrip(".").lower().split()) + ".pdf"
        files.append(
            Material(
                meeting_id=meeting.pk,
                file=f"materials/bench/{name}",
                original_name=name[:200],
                content_type="application/pdf",
                size=1000,
            )
        )
    Meeting.objects.bulk_update(
        records, ["summary_markdown", "summary_html", "summary_published_at"], batch_size=BATCH
    )
    AgendaItem.objects.bulk_create(agenda, batch_size=BATCH)
    ActionItem.objects.bulk_create(actions, batch_size=BATCH)
    Material.objects.bulk_create(files, batch_size=BATCH)
    topics = [
        Topic(
            community=community,
            title=text.sentence(5)[:200],
            why=f"**{text.sentence(3)}** {text.sentence(12)}",
        )
        for community in communities
        for _ in range(5)
    ]
    Topic.objects.bulk_create(topics, batch_size=BATCH)
    meeting_search.rebuild_all()
    topic_search.rebuild_all()
    norms_search.rebuild_all()
    return {"records": len(records), "topics": len(topics)}


def _helpful_marks(communities, rng) -> int:
    """Six asks in ten have their first reply marked helpful, and are answered."""
    from copse.conversations.models import Post, Thread

    asks = list(
        Thread.objects.filter(community__in=communities, kind="ask", reply_count__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = [pk for pk in asks if rng.random() < 0.6]
    # After every post of the batch was written, so never before the reply.
    marked_at = timezone.now()
    for start in range(0, len(chosen), BATCH):
        part = chosen[start : start + BATCH]
        Post.objects.filter(thread_id__in=part, position=1).update(
            helpful=True, helpful_at=marked_at
        )
        Thread.objects.filter(pk__in=part).update(ask_state="answered")
    return len(chosen)


def _value(communities, seats, rng) -> dict:
    """About one story for every four members over the year (at most 250 in a
    community), a third of them linked to a thread of theirs; and time
    estimates from three members in ten."""
    from copse.conversations.models import Thread
    from copse.value.models import TimeEstimate, ValueStory

    threads: dict[int, list[int]] = defaultdict(list)
    for pk, community_id in (
        Thread.objects.filter(community__in=communities)
        .order_by("pk")
        .values_list("pk", "community_id")
    ):
        threads[community_id].append(pk)
    cycles, weights = list(CYCLE_WEIGHTS), list(CYCLE_WEIGHTS.values())
    stories, months = [], []
    for community in communities:
        members = seats[community.pk]
        for _ in range(min(250, max(1, len(members) // 4))):
            cycle = rng.choices(cycles, weights)[0]
            money = hours = None
            if cycle == "realised":
                money = Decimal(rng.randrange(500, 250_000, 100))
                hours = Decimal(rng.randint(2, 200))
            elif cycle == "applied" and rng.random() < 0.5:
                hours = Decimal(rng.randint(1, 40))
            stories.append(
                ValueStory(
                    community=community,
                    author_id=rng.choice(members),
                    cycle=cycle,
                    title=STORIES[cycle][:80],
                    story=STORIES[cycle],
                    money_saved=money,
                    currency="USD" if money is not None else "",
                    hours_saved=hours,
                    sharing=rng.choice(("private", "community", "report", "report")),
                )
            )
            months.append(rng.randrange(12))
    stories = ValueStory.objects.bulk_create(stories, batch_size=BATCH)
    links = [
        ValueStory.threads.through(valuestory_id=story.pk, thread_id=rng.choice(threads[cid]))
        for story in stories
        if (cid := story.community_id) in threads and rng.random() < 1 / 3
    ]
    ValueStory.threads.through.objects.bulk_create(links, batch_size=BATCH)
    # Told over the year, not all today: one update per month.
    by_month: dict[int, list[int]] = defaultdict(list)
    for story, month in zip(stories, months, strict=True):
        by_month[month].append(story.pk)
    now = timezone.now()
    for month, pks in by_month.items():
        when = now - timedelta(days=30 * month + 1)
        for start in range(0, len(pks), BATCH):
            ValueStory.objects.filter(pk__in=pks[start : start + BATCH]).update(
                created_at=when, updated_at=when
            )
    estimates = [
        TimeEstimate(
            user_id=user_id, community_id=community.pk, minutes_per_week=rng.choice((30, 60, 120))
        )
        for community in communities
        for user_id in seats[community.pk]
        if rng.random() < 0.3
    ]
    TimeEstimate.objects.bulk_create(estimates, batch_size=BATCH)
    return {"stories": len(stories), "estimates": len(estimates)}


def _pulses(communities, seats, facilitators, rng) -> dict:
    """Four quarterly pulses, closed, in every community of five members or
    more, each answered by at least five (at most 400) with trust rising a
    little each quarter."""
    from copse.pulses.models import Pulse, PulseAnswer, Respondent
    from copse.pulses.statements import MINIMUM_RESPONDENTS

    today = timezone.localdate()
    pulses, takers = [], []
    for community in communities:
        members = seats[community.pk]
        if len(members) < MINIMUM_RESPONDENTS:
            continue
        for quarter in range(PULSES, 0, -1):
            opens = today - timedelta(days=91 * quarter)
            count = rng.randint(
                MINIMUM_RESPONDENTS, max(MINIMUM_RESPONDENTS, len(members) * 7 // 10)
            )
            respondents = rng.sample(members, min(count, 400))
            pulses.append(
                Pulse(
                    community=community,
                    opens_on=opens,
                    closes_on=opens + timedelta(days=14),
                    respondent_count=len(respondents),
                    scheduled_by_id=facilitators.get(community.pk),
                    repeat_every_months=3,
                )
            )
            takers.append((respondents, PULSES - quarter))
    pulses = Pulse.objects.bulk_create(pulses, batch_size=BATCH)
    answers, who = [], []
    for pulse, (respondents, rise) in zip(pulses, takers, strict=True):
        who.extend(Respondent(pulse_id=pulse.pk, user_id=user_id) for user_id in respondents)
        for _ in respondents:
            scores = [max(1, min(5, round(rng.gauss(3.2 + 0.3 * rise, 0.9)))) for _ in range(5)]
            answers.append(
                PulseAnswer(
                    pulse_id=pulse.pk,
                    statement_1=scores[0],
                    statement_2=scores[1],
                    statement_3=scores[2],
                    statement_4=scores[3],
                    statement_5=scores[4],
                    open_answer=rng.choice(OPEN_ANSWERS) if rng.random() < 0.3 else "",
                )
            )
    # Neither table's order says anything of the other's.
    rng.shuffle(answers)
    PulseAnswer.objects.bulk_create(answers, batch_size=BATCH)
    Respondent.objects.bulk_create(who, batch_size=BATCH)
    return {"pulses": len(pulses), "pulse_answers": len(answers)}


def _sponsor(big) -> str:
    """A sponsor who holds no seat, to read the programme's report."""
    from django.contrib.auth.hashers import make_password

    from copse.accounts.models import User

    prefix = big.slug.removesuffix("-big")
    sponsor = User.objects.create(
        email=f"{prefix}-sponsor@bench.example",
        display_name=f"Sponsor of {prefix}",
        is_sponsor=True,
        password=make_password(None),
    )
    return sponsor.email
