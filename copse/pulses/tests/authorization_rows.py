"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The closed pulse's open answers carry the matrix's SECRET, so its leak check
asserts that no role without a seat ever sees one. The seated see every
pulse; facilitators schedule and cancel; site admins and sponsors see
nothing of a community's pulses.
"""

import datetime as dt

from copse.core.tests.authorization import FACILITATES, MODERATES_POST, READS, SEATED_POST, SECRET


def _slug(ctx):
    return {"slug": "circle"}


def _pulse(key):
    return lambda ctx: {"slug": "circle", "pulse_id": ctx[key]}


def _answer(ctx):
    return {**{f"statement_{n}": "4" for n in range(1, 6)}, "open_answer": "More of this."}


ROWS = {
    "pulses:list": (_slug, "get", "", None, READS),
    "pulses:new": (_slug, "get", "", None, FACILITATES),
    # Open: the answer form (and how many answered).
    "pulses:pulse": (_pulse("open_pulse_id"), "get", "", None, READS),
    # Closed with enough answers: the results and the open answers.
    "pulses:pulse#results": (_pulse("closed_pulse_id"), "get", "", None, READS),
    "pulses:answer": (_pulse("open_pulse_id"), "post", "", _answer, SEATED_POST),
    "pulses:cancel": (_pulse("open_pulse_id"), "post", "", None, MODERATES_POST),
}


def build(community, people, ctx):
    """An open pulse nobody answered yet, and a closed one with five answers."""
    from django.utils import timezone

    from copse.pulses.models import Pulse, PulseAnswer

    today = timezone.localdate()
    open_pulse = Pulse.objects.create(
        community=community,
        opens_on=today - dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=12),
        scheduled_by=people["facilitator"],
    )
    closed = Pulse.objects.create(
        community=community,
        opens_on=today - dt.timedelta(days=120),
        closes_on=today - dt.timedelta(days=100),
        respondent_count=5,
        repeat_every_months=0,
        scheduled_by=people["facilitator"],
    )
    PulseAnswer.objects.bulk_create(
        PulseAnswer(
            pulse=closed,
            statement_1=n,
            statement_2=n,
            statement_3=n,
            statement_4=n,
            statement_5=n,
            open_answer=f"{SECRET}, and we talked about it here." if n == 3 else "",
        )
        for n in range(1, 6)
    )
    ctx.update(open_pulse_id=open_pulse.pk, closed_pulse_id=closed.pk)
