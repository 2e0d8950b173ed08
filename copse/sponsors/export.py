"""The sponsor's report as CSV, in a long format (section, community,
measure, value): the same `Report` the page shows, so the same figures and
the same figures held back."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from copse.sponsors.figures import MEASURES
from copse.sponsors.selectors import Report
from copse.sponsors.suppression import is_suppressed

HEADER = ("section", "community", "measure", "value")
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ALL_NAMED = "All communities with figures"


def cell(value) -> str:
    """A value as a CSV cell that no spreadsheet runs: text that would start
    a formula gets a leading apostrophe. Figures are written as figures."""
    if value is None:
        return ""
    if is_suppressed(value):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def rows(report: Report):
    """Every figure of the report as (section, community, measure, value)."""
    yield ("period", "", "days", report.days)
    yield ("period", "", "from", report.since.date().isoformat())
    yield ("period", "", "to", report.until.date().isoformat())
    yield ("programme", "", "communities", report.communities)
    yield ("programme", "", "communities named in this report", report.named_count)
    yield ("programme", "", "named, with 5 members or more", report.reported_count)
    yield ("programme", "", "members (distinct people)", report.people)
    yield ("programme", "", "organisations", report.organisations)
    yield ("not named", "", "communities (confidential or unlisted)", report.unnamed_communities)
    yield ("not named", "", "members in all", report.unnamed_members)
    for label, count in report.bands:
        yield ("size bands", "", label, count)
    for row in report.rows:
        yield ("communities", row.name, "Size band", row.band.label)
        for key, heading in MEASURES:
            yield ("communities", row.name, heading, row.figures[key])
    for key, heading in MEASURES:
        yield ("communities", ALL_NAMED, heading, report.totals[key])
    for quarter in report.attendance_by_quarter:
        yield ("attendance by quarter", "", f"{quarter.quarter} meetings", quarter.meetings)
        yield ("attendance by quarter", "", f"{quarter.quarter} attendance rate (%)", quarter.rate)
    value = report.value
    yield ("value", "", "stories shared for the report", value["stories"])
    yield ("value", "", "storytellers", value["storytellers"])
    for money in value["money"]:
        yield ("value", "", f"money saved ({money['currency']})", money["amount"])
        yield ("value", "", f"stories with money saved ({money['currency']})", money["stories"])
    yield ("value", "", "hours saved", value["hours"]["amount"])
    yield ("value", "", "stories with hours saved", value["hours"]["stories"])
    for cycle in value["cycles"]:
        yield ("value by cycle", "", cycle["label"], cycle["stories"])
    for pulse in report.pulses:
        yield ("trust pulse", "", f"{pulse['quarter']} pulses", pulse["pulses"])
        yield ("trust pulse", "", f"{pulse['quarter']} respondents", pulse["respondents"])
        for number, mean in enumerate(pulse["means"], start=1):
            yield ("trust pulse", "", f"{pulse['quarter']} statement {number} mean", mean)


def write(report: Report) -> str:
    """The CSV is data for spreadsheets and scripts: its sections, measures
    and words stay in the site's language (English) whoever downloads it, so
    that one column means the same in every file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows(report):
            writer.writerow([cell(value) for value in row])
    return out.getvalue()
