"""The report as CSV: the page's figures, held back where the page holds
them back, and nothing a spreadsheet would run."""

import csv
import io

import pytest
from django.urls import reverse

from copse import testing
from copse.sponsors import export, selectors
from copse.sponsors.tests import programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor():
    return testing.make_user("grace@example.com", name="Grace Hopkins", is_sponsor=True)


def _download(client, sponsor, **query):
    client.force_login(sponsor)
    response = client.get(reverse("sponsors:report_csv"), query)
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_is_an_attachment_in_a_long_format(client, sponsor):
    made = programme.community(name="Registrars", members=6)
    programme.meeting(made, attended=5)
    response, rows = _download(client, sponsor, days="90")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="programme-report-')
    assert response["Content-Disposition"].endswith('-90-days.csv"')
    assert response["Cache-Control"] == "private, no-store"
    assert rows[0] == ["section", "community", "measure", "value"]
    assert all(len(row) == 4 for row in rows)
    assert ["period", "", "days", "90"] in rows
    assert ["communities", "Registrars", "Meetings held", "1"] in rows
    assert ["communities", "Registrars", "Attendance rate (%)", "83"] in rows


def test_the_csv_holds_back_what_the_page_holds_back(client, sponsor):
    programme.community(name="Four of us", members=4)
    programme.community(name="Telecom Circle", members=7, visibility="confidential")
    _, rows = _download(client, sponsor)
    four = {row[2]: row[3] for row in rows if row[1] == "Four of us"}
    assert four.pop("Size band") == "Small"
    assert set(four.values()) == {"fewer than 5"}
    assert ["not named", "", "members in all", "7"] in rows
    assert not any("Telecom Circle" in cell for row in rows for cell in row)


def test_the_csv_gives_every_figure_the_page_gives(client, sponsor):
    made = programme.community(name="Registrars", members=8)
    for asker in range(5):
        programme.ask(made, asker=asker, reply_after_hours=asker + 1)
        programme.story(made, author=asker, money="100", currency="USD")
    report = selectors.programme_report(sponsor)
    _, rows = _download(client, sponsor)
    written = {(row[0], row[1], row[2]): row[3] for row in rows[1:]}
    for section, community, measure, value in export.rows(report):
        if measure not in ("from", "to"):
            assert written[(section, community, measure)] == export.cell(value)
    assert written[("value", "", "money saved (USD)")] == "500.00"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab"])
def test_a_community_name_that_starts_a_formula_is_written_as_text(client, sponsor, name):
    programme.community(name=name, members=5, visibility="open")
    _, rows = _download(client, sponsor)
    names = {row[1] for row in rows if row[0] == "communities"}
    assert "'" + name in names
    assert name not in names


def test_figures_are_written_as_figures_and_text_guarded():
    assert export.cell(-3) == "-3"
    assert export.cell(12.5) == "12.5"
    assert export.cell(None) == ""
    assert export.cell("=1+1") == "'=1+1"
    assert export.cell("Registrars") == "Registrars"
