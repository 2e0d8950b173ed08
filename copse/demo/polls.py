"""A demo date poll, written through the poll services so its answers and
notifications are real: Kofi asks the A/O CoP when its members can come to
the next side meeting, a round-table on vendor renewals, and several have
answered. It stays open, for the demo's logins to answer and to pick a time.
"""

from __future__ import annotations

import datetime as dt

AO = "sv-ao-cop"
TITLE = "Side meeting: vendor renewals round-table"
DETAILS = (
    "Three of us have core-system renewals this year. Bring your renewal dates and "
    "the clauses you wish you had negotiated; Woodgrove hosts, in Palo Alto. Not an "
    "official CoP meeting: every member is welcome."
)
PROPOSER = "kofi.boateng@woodgrove.example"
# (days from the load, local hour) in the proposer's zone.
TIMES = ((24, 16), (26, 16), (31, 15))
ANSWERS = {
    "irene.castillo@woodgrove.example": ("yes", "if_need_be", "no"),
    "ana@fabrikam.example": ("yes", "if_need_be", "no"),
    "tomas.novak@fabrikam.example": ("yes", "no", "yes"),
    "lena.fischer@contoso.example": ("if_need_be", "yes", "yes"),
    "raj.iyer@northwind.example": ("no", "yes", "yes"),
    "claire.dubois@litware.example": ("yes", "yes", "no"),
}


def load_polls(loader) -> None:
    from copse.communities.models import Community
    from copse.core.permissions import forget_standings
    from copse.decisions import polls
    from copse.decisions.models import DatePoll

    community = Community.objects.filter(slug=AO).first()
    if community is None or DatePoll.objects.filter(community=community, title=TITLE).exists():
        return
    kofi = loader.people[PROPOSER]
    forget_standings(kofi)
    zone = kofi.time_zone or "America/Los_Angeles"
    today = polls.in_zone(loader.now, zone).date()
    poll = polls.create_poll(
        actor=kofi,
        community=community,
        title=TITLE,
        details=DETAILS,
        purpose="side_meeting",
        times=[(today + dt.timedelta(days=d), dt.time(hour)) for d, hour in TIMES],
        time_zone=zone,
        duration_minutes=120,
        format="in_person",
    )
    loader._count("date polls")
    options = list(poll.options.order_by("starts_at"))
    for email, answers in ANSWERS.items():
        person = loader.people.get(email)
        if person is None:
            continue
        forget_standings(person)
        polls.answer_poll(
            actor=person,
            poll=poll,
            answers={o.pk: a for o, a in zip(options, answers, strict=True)},
        )
