"""`value.report.totals`: what the sponsor's report is given of value
stories. Only stories shared for the report, only totals, each with how
many people made it, in three queries however many stories there are."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from copse.sponsors.tests import programme
from copse.value.models import ValueStory
from copse.value.report import totals

pytestmark = pytest.mark.django_db


def test_totals_count_only_stories_shared_for_the_report():
    made = programme.community(members=6)
    programme.story(made, author=0, money="1000", currency="usd", hours="3.5")
    programme.story(made, author=1, money="500", currency="USD", cycle="applied")
    programme.story(made, author=2, money="200", currency="EUR", hours="1")
    programme.story(made, author=3, money="9999", currency="USD", sharing="community")
    programme.story(made, author=4, money="9999", currency="USD", sharing="private")
    removed = programme.story(made, author=5, money="9999", currency="USD")
    ValueStory.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    result = totals([made.community.pk])
    assert (result["stories"], result["storytellers"]) == (3, 3)
    assert result["money"] == [
        {"currency": "EUR", "amount": Decimal("200.00"), "stories": 1, "storytellers": 1},
        {"currency": "USD", "amount": Decimal("1500.00"), "stories": 2, "storytellers": 2},
    ]
    assert result["hours"] == {"amount": Decimal("4.5"), "stories": 2, "storytellers": 2}
    cycles = {row["cycle"]: (row["stories"], row["storytellers"]) for row in result["cycles"]}
    assert cycles == {
        "immediate": (0, 0),
        "potential": (0, 0),
        "applied": (1, 1),
        "realised": (2, 2),
        "reframing": (0, 0),
    }
    assert result["cycles"][0]["label"] == "Immediate"


def test_totals_count_storytellers_once_however_many_stories_they_told():
    made = programme.community(members=5)
    for _ in range(4):
        programme.story(made, author=0, money="10", currency="USD")
    result = totals([made.community.pk])
    assert (result["stories"], result["storytellers"]) == (4, 1)
    assert result["money"][0]["storytellers"] == 1


def test_totals_keep_to_the_communities_and_the_period_asked_for():
    asked = programme.community(members=5)
    other = programme.community(members=5)
    programme.story(asked, money="10", currency="USD")
    old = programme.story(asked, author=1, money="20", currency="USD")
    ValueStory.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    programme.story(other, money="40", currency="USD")
    since = timezone.now() - dt.timedelta(days=90)
    assert totals([asked.community.pk])["money"][0]["amount"] == Decimal("30.00")
    assert totals([asked.community.pk], since=since)["money"][0]["amount"] == Decimal("10.00")
    assert totals([])["stories"] == 0


@pytest.mark.parametrize("stories", [2, 20])
def test_totals_run_three_queries_whatever_the_number_of_stories(
    django_assert_max_num_queries, stories
):
    made = programme.community(members=5)
    for n in range(stories):
        programme.story(made, author=n % 5, money="1", currency="USD", hours="1")
    with django_assert_max_num_queries(3):
        totals([made.community.pk])
