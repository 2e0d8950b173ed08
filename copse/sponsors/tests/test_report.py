"""The sponsor's report: what it counts, what it holds back, and that it
runs the same number of queries for two communities as for eight."""

from decimal import Decimal

import pytest
from django.urls import reverse

from copse import testing
from copse.sponsors import selectors
from copse.sponsors.suppression import FEWER_THAN_FIVE
from copse.sponsors.tests import programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsor():
    return testing.make_user("grace@example.com", name="Grace Hopkins", is_sponsor=True)


def _row(report, name):
    return next(row for row in report.rows if row.name == name)


def test_report_names_each_community_with_its_band_members_and_organisations(sponsor):
    programme.community(name="Designers", members=8, organisations=3)
    programme.community(name="Registrars", members=12)
    report = selectors.programme_report(sponsor)
    assert [row.name for row in report.rows] == ["Designers", "Registrars"]
    designers = _row(report, "Designers")
    assert designers.band.label == "Healthy"
    assert designers.figures["members"] == 8
    assert designers.figures["organisations"] == 3
    assert report.people == 20
    assert report.organisations == 15
    assert report.totals["members"] == 20
    assert report.bands == [("Healthy", 2)]


def test_a_community_of_four_shows_its_band_and_no_figure(sponsor):
    small = programme.community(name="Four of us", members=4)
    programme.meeting(small, going=4, attended=4)
    programme.ask(small, reply_after_hours=2)
    report = selectors.programme_report(sponsor)
    row = _row(report, "Four of us")
    assert row.band.label == "Small"
    assert set(row.figures.values()) == {FEWER_THAN_FIVE}
    # The programme's totals are made of four people too.
    assert report.people == FEWER_THAN_FIVE
    assert report.totals["attendance_rate"] == FEWER_THAN_FIVE


def test_confidential_and_unlisted_communities_are_only_counted(sponsor):
    named = programme.community(name="Open Designers", members=6, visibility="open")
    secret = programme.community(name="Telecom Circle", members=7, visibility="confidential")
    hidden = programme.community(name="Quiet Room", members=3, listed=False)
    for made in (secret, hidden):
        programme.meeting(made, attended=2)
        programme.ask(made, reply_after_hours=1)
        programme.library_item(made, reuses=2)
    programme.meeting(named, attended=3)
    report = selectors.programme_report(sponsor)
    assert [row.name for row in report.rows] == ["Open Designers"]
    assert report.unnamed_communities == 2
    assert report.unnamed_members == 10
    assert report.communities == 3
    assert report.people == 16
    # None of their activity is in the totals of the named communities.
    assert report.totals["meetings_held"] == 1
    assert report.totals["asks"] == 0
    assert report.totals["library_items"] == 0


def test_a_small_communitys_activity_is_in_no_total(sponsor):
    """Otherwise the totals, less the rows shown, would give its figures away."""
    large = programme.community(name="Registrars", members=6)
    small = programme.community(name="Four of us", members=4)
    programme.meeting(large, attended=5)
    for made in (small, small):
        programme.meeting(made, attended=4)
        programme.ask(made, reply_after_hours=1)
        programme.library_item(made, reuses=1)
    for author in range(4):
        programme.story(small, author=author, money="100", currency="USD")
    report = selectors.programme_report(sponsor)
    assert report.reported_count == 1
    assert report.totals["members"] == 6
    assert report.totals["meetings_held"] == 1
    assert report.totals["asks"] == 0
    assert report.totals["library_items"] == 0
    # Its stories shared for the report count in the programme's value, which
    # is never split by community; four storytellers are too few to show.
    assert report.value["money"] == [
        {"currency": "USD", "amount": FEWER_THAN_FIVE, "stories": FEWER_THAN_FIVE}
    ]
    assert sum(quarter.meetings for quarter in report.attendance_by_quarter) == 1
    # The programme still counts its people.
    assert report.people == 10


def test_unnamed_members_below_five_are_held_back(sponsor):
    programme.community(name="Open Designers", members=6, visibility="open")
    programme.community(name="Pair", members=2, visibility="confidential")
    report = selectors.programme_report(sponsor)
    assert report.unnamed_communities == 1
    assert report.unnamed_members == FEWER_THAN_FIVE


def test_attendance_rate_is_places_used_at_meetings_whose_attendance_was_taken(sponsor):
    made = programme.community(name="Registrars", members=10)
    programme.meeting(made, going=8, attended=6, days_ago=40)
    programme.meeting(made, going=10, attended=9, days_ago=10)
    # Nobody took attendance here: it says nothing about who came.
    programme.meeting(made, going=10, attended=None, days_ago=20)
    report = selectors.programme_report(sponsor)
    row = _row(report, "Registrars")
    assert row.figures["meetings_held"] == 3
    assert row.figures["attendance_rate"] == round(100 * 15 / 18)
    assert sum(q.meetings for q in report.attendance_by_quarter) == 2


def test_attendance_rate_of_fewer_than_five_people_is_held_back(sponsor):
    made = programme.community(name="Registrars", members=10)
    programme.meeting(made, going=4, attended=4)
    row = _row(selectors.programme_report(sponsor), "Registrars")
    assert row.figures["meetings_held"] == 1
    assert row.figures["attendance_rate"] == FEWER_THAN_FIVE


def test_asks_answered_helpful_and_median_time_to_first_reply(sponsor):
    made = programme.community(name="Registrars", members=8)
    programme.ask(made, asker=1, reply_after_hours=2, helpful=True, replier=2)
    programme.ask(made, asker=2, reply_after_hours=4, replier=1)
    programme.ask(made, asker=3, reply_after_hours=10, replier=1)
    programme.ask(made, asker=4, reply_after_hours=None)
    programme.ask(made, asker=5, reply_after_hours=30, helpful=True, replier=1)
    row = _row(selectors.programme_report(sponsor), "Registrars")
    assert row.figures["asks"] == 5
    assert row.figures["answered_share"] == 80
    assert row.figures["helpful_share"] == 40
    assert row.figures["median_hours_to_reply"] == 7.0


def test_asks_of_fewer_than_five_askers_show_their_count_only(sponsor):
    made = programme.community(name="Registrars", members=8)
    for _ in range(6):
        programme.ask(made, asker=1, reply_after_hours=1)
    row = _row(selectors.programme_report(sponsor), "Registrars")
    assert row.figures["asks"] == 6
    assert row.figures["answered_share"] == FEWER_THAN_FIVE
    assert row.figures["median_hours_to_reply"] == FEWER_THAN_FIVE


def test_library_items_and_re_uses(sponsor):
    made = programme.community(name="Registrars", members=6)
    programme.library_item(made, reuses=3)
    programme.library_item(made, title="Old minutes", days_ago=400)
    row = _row(selectors.programme_report(sponsor), "Registrars")
    assert row.figures["library_items"] == 2
    assert row.figures["library_added"] == 1
    assert row.figures["reuses"] == 3


def test_ninety_days_leaves_out_what_happened_before(sponsor):
    made = programme.community(name="Registrars", members=6)
    programme.meeting(made, attended=5, days_ago=200)
    programme.meeting(made, attended=5, days_ago=30)
    programme.ask(made, days_ago=200)
    year = _row(selectors.programme_report(sponsor, days=365), "Registrars")
    quarter = _row(selectors.programme_report(sponsor, days=90), "Registrars")
    assert (year.figures["meetings_held"], year.figures["asks"]) == (2, 1)
    assert (quarter.figures["meetings_held"], quarter.figures["asks"]) == (1, 0)


@pytest.mark.parametrize(
    ("raw", "days"),
    [("90", 90), ("365", 365), ("500", 365), ("", 365), (None, 365), ("-90", 365), ("9" * 40, 365)],
)
def test_only_ninety_or_three_hundred_sixty_five_days_are_reported(raw, days):
    assert selectors.period_days(raw) == days


def test_value_totals_hold_back_what_fewer_than_five_storytellers_made(sponsor):
    made = programme.community(name="Registrars", members=8)
    for author in range(5):
        programme.story(made, author=author, money="1000", currency="USD", hours="2")
    # One person's euros and one person's reframing story point at them.
    programme.story(made, author=6, money="250000", currency="EUR", cycle="reframing")
    # Private stories are their author's and the facilitators' only.
    programme.story(made, author=7, money="999", currency="USD", sharing="private")
    value = selectors.programme_report(sponsor).value
    money = {row["currency"]: row for row in value["money"]}
    assert money["USD"]["amount"] == 5000
    assert money["EUR"]["amount"] == FEWER_THAN_FIVE
    assert value["hours"]["amount"] == 10
    cycles = {row["cycle"]: row["stories"] for row in value["cycles"]}
    assert cycles["realised"] == 5
    assert cycles["reframing"] == FEWER_THAN_FIVE
    assert value["storytellers"] == 6


def test_pulse_trends_come_only_from_pulses_that_met_their_threshold(sponsor):
    made = programme.community(name="Registrars", members=8)
    programme.pulse(made, opened_days_ago=200, answers=[(3, 3, 3, 3, 3)] * 5)
    programme.pulse(made, opened_days_ago=100, answers=[(4, 4, 4, 4, 5)] * 6)
    programme.pulse(made, opened_days_ago=40, answers=[(1, 1, 1, 1, 1)] * 4)
    pulses = selectors.programme_report(sponsor).pulses
    assert [p["respondents"] for p in pulses] == [5, 6]
    assert pulses[1]["means"] == [4.0, 4.0, 4.0, 4.0, 5.0]


def test_the_page_shows_the_figures_and_says_what_is_held_back(client, sponsor):
    made = programme.community(name="Registrars", members=6)
    programme.meeting(made, attended=5)
    programme.community(name="Four of us", members=4)
    programme.community(name="Telecom Circle", members=7, visibility="confidential")
    client.force_login(sponsor)
    response = client.get(reverse("sponsors:report"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Registrars" in page
    assert "fewer than 5" in page
    assert "Telecom Circle" not in page
    assert "1 confidential or unlisted community, 7 members in all" in page
    assert 'href="/programme/report.csv?days=365"' in page
    # The CSP allows no inline style or script: the charts are images.
    assert ' style="' not in page and "<script>" not in page


def test_the_period_selector_keeps_the_choice_and_ignores_anything_else(client, sponsor):
    client.force_login(sponsor)
    page = client.get(reverse("sponsors:report"), {"days": "90"}).content.decode()
    assert '<option value="90" selected>' in page
    page = client.get(reverse("sponsors:report"), {"days": "500"}).content.decode()
    assert '<option value="365" selected>' in page
    assert "500" not in page


def test_a_sponsor_finds_the_report_in_the_navigation(client, sponsor):
    member = testing.make_user("member@example.com")
    client.force_login(member)
    assert b"Programme report" not in client.get(reverse("accounts:profile")).content
    client.force_login(sponsor)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'<a href="{reverse("sponsors:report")}">Programme report</a>' in page


def test_site_admins_reach_the_report_and_the_sponsors_from_the_programme_page(client):
    admin = testing.make_site_admin(email="admin@example.com")
    client.force_login(admin)
    page = client.get(reverse("communities:programme")).content.decode()
    assert reverse("sponsors:report") in page
    assert reverse("sponsors:grants") in page
    assert client.get(reverse("sponsors:report")).status_code == 200


def test_others_get_a_missing_page_and_signed_out_people_sign_in(client):
    response = client.get(reverse("sponsors:report"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(testing.make_user("member@example.com"))
    assert client.get(reverse("sponsors:report")).status_code == 404
    assert client.get(reverse("sponsors:report_csv")).status_code == 404


def _world(size):
    for n in range(size):
        made = programme.community(members=5 + n % 3, visibility=("members", "open")[n % 2])
        programme.meeting(made, attended=4)
        programme.meeting(made, attended=None, days_ago=60)
        for asker in range(3):
            programme.ask(made, asker=asker, reply_after_hours=asker + 1, helpful=asker == 0)
        programme.library_item(made, reuses=2)
        programme.story(made, money="100", currency="USD", hours="1")
        programme.pulse(made, answers=[(4, 4, 3, 4, 5)] * 5)
    programme.community(members=5, visibility="confidential")


# Session and user, then the report's 14 grouped queries (communities,
# members 2, meetings 4, asks 1, library 2, value 3, pulses 1); the page adds
# the site's own: the viewer's standings (3), unread notifications and
# whether mail to the viewer bounces.
QUERIES = {"sponsors:report": 21, "sponsors:report_csv": 16}


@pytest.mark.parametrize("size", [2, 8])
@pytest.mark.parametrize("url_name", list(QUERIES))
def test_the_report_runs_the_same_queries_for_two_communities_as_for_eight(
    client, django_assert_max_num_queries, sponsor, size, url_name
):
    _world(size)
    client.force_login(sponsor)
    client.get(reverse(url_name))  # the first request after signing in saves the session
    with django_assert_max_num_queries(QUERIES[url_name]):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_charts_draw_what_may_be_shown_and_their_tables_say_what_is_held_back(sponsor):
    from copse.sponsors import charts

    made = programme.community(name="A community with a long name indeed", members=8)
    for author in range(5):
        programme.story(made, author=author, cycle="realised")
    programme.story(made, author=6, cycle="applied")
    drawn = charts.report_charts(selectors.programme_report(sponsor))
    cycles = dict(drawn["cycles"].rows)
    assert cycles["Realised"] == [5]
    assert cycles["Applied"] == [FEWER_THAN_FIVE]
    assert not drawn["cycles"].is_empty
    # The drawing cuts a long name short; its table gives it whole.
    assert drawn["members"].labels == ["A community with a long name indeed"]
    assert "A community with a l" not in drawn["members"].svg
    assert "A community with a…" in drawn["members"].svg
    # Nothing that may be drawn: no chart, the page says why.
    assert drawn["attendance"].is_empty and drawn["pulses"].is_empty


def test_a_chart_of_held_back_figures_only_is_not_drawn(sponsor):
    from copse.sponsors import charts

    made = programme.community(name="Registrars", members=8)
    programme.story(made, author=1, cycle="realised")
    assert charts.report_charts(selectors.programme_report(sponsor))["cycles"].is_empty


def test_stories_shared_for_the_report_count_even_from_a_confidential_community(sponsor):
    """Sharing "for the report" is the author's consent to anonymised totals;
    the community is still never named, and the story's words never show."""
    secret = programme.community(name="Telecom Circle", members=6, visibility="confidential")
    for author in range(5):
        programme.story(
            secret, author=author, money="50000", currency="USD", title="Carrier renegotiated"
        )
    programme.story(secret, author=5, money="999", currency="USD", sharing="community")
    report = selectors.programme_report(sponsor)
    assert report.value["money"] == [
        {"currency": "USD", "amount": Decimal("250000.00"), "stories": 5}
    ]
    assert [row.name for row in report.rows] == []
    page = str(report.value) + str([row.name for row in report.rows])
    assert "Telecom Circle" not in page
    assert "Carrier renegotiated" not in page
