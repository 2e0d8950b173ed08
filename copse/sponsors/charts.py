"""The report's charts, drawn from the figures the report may show. A figure
held back is a gap in the drawing and says "fewer than 5" in the chart's
table; a bar of a community too small to show is left out."""

from __future__ import annotations

from django.utils.translation import gettext as _

from copse.core.charts import Chart, bar_chart, line_chart
from copse.sponsors.suppression import is_suppressed

# Longer labels are cut short in the drawing (rotated, they would squeeze
# the plot to a sliver); the table beside it gives them whole.
DRAWN_LABEL_LENGTH = 20


def _drawable(values):
    return [None if value is None or is_suppressed(value) else value for value in values]


def _short(label: str) -> str:
    if len(label) <= DRAWN_LABEL_LENGTH:
        return label
    return label[: DRAWN_LABEL_LENGTH - 1].rstrip() + "…"


def _drawn(kind, title, labels, series, **options) -> Chart:
    """Draw the figures that may be drawn; the table beside the chart gives
    every figure as the report shows it, held-back ones included. When none
    may be drawn there is no chart: the page says why instead."""
    labels = [str(label) for label in labels]
    drawable = [(name, _drawable(values)) for name, values in series]
    chart = kind(title, [_short(label) for label in labels], drawable, **options)
    chart.labels = labels
    if any(value is not None for _, values in drawable for value in values):
        chart.series = [(name, list(values)) for name, values in series]
    return chart


def members_per_community(report) -> Chart:
    rows = [row for row in report.rows if not is_suppressed(row.figures["members"])]
    return _drawn(
        bar_chart,
        _("Members per community"),
        [row.name for row in rows],
        [(_("Members"), [row.figures["members"] for row in rows])],
    )


def attendance_by_quarter(report) -> Chart:
    quarters = report.attendance_by_quarter
    return _drawn(
        line_chart,
        _("Attendance rate per quarter (%)"),
        [quarter.quarter for quarter in quarters],
        [(_("Attendance rate (%)"), [quarter.rate for quarter in quarters])],
        percent=True,
    )


def pulse_trend(report) -> Chart:
    pulses = report.pulses
    return _drawn(
        line_chart,
        _("Trust pulse: mean score per statement (1 to 5)"),
        [pulse["quarter"] for pulse in pulses],
        [
            (
                _("Statement %(number)d") % {"number": number},
                [pulse["means"][number - 1] for pulse in pulses],
            )
            for number in range(1, len(report.statements) + 1)
        ],
        range=(1, 5),
    )


def stories_per_cycle(report) -> Chart:
    cycles = report.value["cycles"]
    return _drawn(
        bar_chart,
        _("Value stories shared for the report, per cycle"),
        [cycle["label"] for cycle in cycles],
        [(_("Stories"), [cycle["stories"] for cycle in cycles])],
    )


def report_charts(report) -> dict[str, Chart]:
    return {
        "members": members_per_community(report),
        "attendance": attendance_by_quarter(report),
        "pulses": pulse_trend(report),
        "cycles": stories_per_cycle(report),
    }
