"""Demo date polls, written through the poll services so their answers and
notifications are real: Kofi asks the A/O CoP when its members can come to
the next side meeting, a round-table on vendor renewals, and Maria asks the
CIO CoP when to hold an online hour on contract terms. Several members have
answered each; both stay open, for the demo's logins to answer and to pick a
time.
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


CIO = "sv-cio-cop"
CIO_TITLE = "Online hour: our contract terms before renewal season"
CIO_DETAILS = (
    "An hour online to agree the first draft of our best-practice contract terms, so we "
    "can take them to the vendors' round-table. Not a monthly meeting; the minutes go to "
    "the library."
)
CIO_PROPOSER = "maria@northwind.example"
CIO_TIMES = ((9, 8), (10, 17), (13, 8))
CIO_ANSWERS = {
    "grace.kim@fabrikam.example": ("yes", "no", "yes"),
    "olu.adeyemi@adventure-works.example": ("if_need_be", "yes", "yes"),
    "marcus.chen@wingtip.example": ("no", "yes", "if_need_be"),
    "priya.nair@woodgrove.example": ("yes", "yes", "no"),
}


def load_polls(loader) -> None:
    _poll(
        loader,
        slug=AO,
        title=TITLE,
        details=DETAILS,
        proposer=PROPOSER,
        purpose="side_meeting",
        times=TIMES,
        answers=ANSWERS,
        duration=120,
        format="in_person",
    )
    _poll(
        loader,
        slug=CIO,
        title=CIO_TITLE,
        details=CIO_DETAILS,
        proposer=CIO_PROPOSER,
        purpose="meeting",
        times=CIO_TIMES,
        answers=CIO_ANSWERS,
        duration=60,
        format="online",
    )


def _poll(loader, *, slug, title, details, proposer, purpose, times, answers, duration, format):
    from copse.communities.models import Community
    from copse.core.permissions import forget_standings
    from copse.decisions import polls
    from copse.decisions.models import DatePoll

    community = Community.objects.filter(slug=slug).first()
    if community is None or DatePoll.objects.filter(community=community, title=title).exists():
        return
    person = loader.people[proposer]
    forget_standings(person)
    zone = person.time_zone or "America/Los_Angeles"
    today = polls.in_zone(loader.now, zone).date()
    poll = polls.create_poll(
        actor=person,
        community=community,
        title=title,
        details=details,
        purpose=purpose,
        times=[(today + dt.timedelta(days=d), dt.time(hour)) for d, hour in times],
        time_zone=zone,
        duration_minutes=duration,
        format=format,
    )
    loader._count("date polls")
    options = list(poll.options.order_by("starts_at"))
    for email, chosen in answers.items():
        person = loader.people.get(email)
        if person is None:
            continue
        forget_standings(person)
        polls.answer_poll(
            actor=person,
            poll=poll,
            answers={o.pk: a for o, a in zip(options, chosen, strict=True)},
        )
