"""Reads of trust pulses, as the viewer may see them.

Nothing here ever returns who answered: the only question asked of
`Respondent` is whether the viewer themself has answered. Results come from
the answers alone, and only where `pulse.view_results` allows (closed, and
enough answers that none points to anyone).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext

from copse.core import charts, permissions
from copse.pulses.models import Pulse, PulseAnswer, Respondent
from copse.pulses.statements import MINIMUM_RESPONDENTS, SCALE, SHORT_NAMES, STATEMENTS

SCORES = tuple(value for value, _ in SCALE)
FIELDS = tuple(f"statement_{n}" for n in range(1, len(STATEMENTS) + 1))


def _answered_by(viewer):
    if not getattr(viewer, "is_authenticated", False):
        return Exists(Respondent.objects.none())
    return Exists(Respondent.objects.filter(pulse=OuterRef("pk"), user_id=viewer.pk))


def pulses_for(viewer, community) -> list[Pulse]:
    """Every pulse of the community, latest first, each with `answered_by_me`
    (whether the viewer answered it: nobody else's)."""
    permissions.require_or_404(viewer, "community.view_pulses", community)
    pulses = list(
        Pulse.objects.filter(community=community)
        .annotate(answered_by_me=_answered_by(viewer))
        .order_by("-opens_on", "-pk")
    )
    for pulse in pulses:
        pulse.community = community
    return pulses


def open_pulse_unanswered(viewer, field: str) -> Subquery:
    """`field` of the open pulse the viewer has not answered in the community
    of the outer statement's row, as a scalar subquery (None when there is
    none), for Home to read with each community row. There is one open pulse per community at a time
    (`services.schedule_pulse` locks the community to keep it so). Only
    whether the viewer themself answered is asked; the caller checks that
    they may answer (`pulse.answer`)."""
    today = timezone.localdate()
    pulses = (
        Pulse.objects.filter(
            community=OuterRef("pk"),
            cancelled_at__isnull=True,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .exclude(_answered_by(viewer))
        .order_by("closes_on", "pk")
        .values(field)[:1]
    )
    return Subquery(pulses)


def pulse_for(viewer, community, pulse_id: int) -> Pulse:
    """One pulse of the community, with `answered_by_me`; 404 as for a
    missing one when the viewer may not see the community's pulses."""
    permissions.require_or_404(viewer, "community.view_pulses", community)
    pulse = (
        Pulse.objects.filter(community=community, pk=pulse_id)
        .annotate(answered_by_me=_answered_by(viewer))
        .first()
    )
    if pulse is None:
        raise Http404
    pulse.community = community
    return pulse


@dataclass(frozen=True)
class StatementResult:
    number: int
    text: str
    short_name: str
    counts: tuple[int, ...]  # answers at each point of the scale, 1 to 5

    @property
    def answers(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float:
        total = sum(score * count for score, count in zip(SCORES, self.counts, strict=True))
        return round(total / self.answers, 1) if self.answers else 0.0


@dataclass(frozen=True)
class Results:
    answers: int
    statements: list[StatementResult]
    open_answers: list[str]


def _count_expressions() -> dict:
    return {
        f"{field}_{score}": Count("pk", filter=Q(**{field: score}))
        for field in FIELDS
        for score in SCORES
    }


def results_for(viewer, pulse: Pulse) -> Results | None:
    """The pulse's results, or None when the viewer may not see them: not
    closed, or too few answers (counted from the answers themselves too, not
    only from the pulse's count). Two queries. Open answers come in the
    order of their random keys: an order that says nothing of who or when."""
    if not permissions.can(viewer, "pulse.view_results", pulse):
        return None
    counts = PulseAnswer.objects.filter(pulse=pulse).aggregate(
        answers=Count("pk"), **_count_expressions()
    )
    if counts["answers"] < pulse.threshold:
        return None
    statements = [
        StatementResult(
            number=n,
            text=STATEMENTS[n - 1],
            short_name=SHORT_NAMES[n - 1],
            counts=tuple(counts[f"{field}_{score}"] for score in SCORES),
        )
        for n, field in enumerate(FIELDS, start=1)
    ]
    open_answers = list(
        PulseAnswer.objects.filter(pulse=pulse)
        .exclude(open_answer="")
        .order_by("pk")
        .values_list("open_answer", flat=True)
    )
    return Results(answers=counts["answers"], statements=statements, open_answers=open_answers)


@dataclass(frozen=True)
class TrendPoint:
    pulse: Pulse
    answers: int
    means: tuple[float, ...]

    @property
    def label(self) -> str:
        return gettext("%(day)s (%(answers)d answered)") % {
            "day": formats.date_format(self.pulse.opens_on, "j M Y"),
            "answers": self.answers,
        }


def results_shown_q(today) -> Q:
    """`Pulse.results_shown` as a filter on Pulse, for lists and reports:
    closed by `today`, not cancelled, and answered by at least its threshold
    (never fewer than the minimum, whatever the row says)."""
    return Q(
        cancelled_at__isnull=True,
        closes_on__lt=today,
        respondent_count__gte=F("min_respondents"),
    ) & Q(respondent_count__gte=MINIMUM_RESPONDENTS)


def trend_points(pulses) -> list[TrendPoint]:
    """Each pulse's mean per statement, from one query for all of them,
    oldest first; a pulse with fewer answers than its threshold is left out."""
    pulses = {pulse.pk: pulse for pulse in pulses}
    if not pulses:
        return []
    rows = (
        PulseAnswer.objects.filter(pulse_id__in=list(pulses))
        .values("pulse_id")
        .annotate(answers=Count("pk"), **_count_expressions())
    )
    points = []
    for row in rows:
        pulse = pulses[row["pulse_id"]]
        if row["answers"] < pulse.threshold:
            continue
        means = tuple(
            round(
                sum(score * row[f"{field}_{score}"] for score in SCORES) / row["answers"],
                2,
            )
            for field in FIELDS
        )
        points.append(TrendPoint(pulse=pulse, answers=row["answers"], means=means))
    return sorted(points, key=lambda point: (point.pulse.opens_on, point.pulse.pk))


def trend_for(viewer, community, pulses=None) -> list[TrendPoint]:
    """The community's closed pulses whose results the viewer may see."""
    permissions.require_or_404(viewer, "community.view_pulses", community)
    if pulses is None:
        pulses = Pulse.objects.filter(community=community)
    shown = [pulse for pulse in pulses if permissions.can(viewer, "pulse.view_results", pulse)]
    return trend_points(shown)


def trend_chart(points: list[TrendPoint]) -> charts.Chart:
    return charts.line_chart(
        gettext(
            "Trust over time: the mean answer to each statement, from 1 (strongly disagree) "
            "to 5 (strongly agree)"
        ),
        [point.label for point in points],
        [(str(name), [point.means[n] for point in points]) for n, name in enumerate(SHORT_NAMES)],
        range=(1, 5),
    )
