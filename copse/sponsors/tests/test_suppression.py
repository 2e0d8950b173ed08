"""Below five people, no figure: the rule on any numbers, not only on the
ones a test happened to make."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from copse.sponsors.figures import MEASURES, Activity, community_figures
from copse.sponsors.suppression import FEWER_THAN_FIVE, MINIMUM_PEOPLE, is_suppressed, shown

figures = st.one_of(
    st.integers(min_value=0, max_value=10**9),
    st.floats(min_value=0, max_value=1e9, allow_nan=False),
    st.decimals(min_value=0, max_value=10**9, allow_nan=False, places=2),
)
few = st.integers(min_value=-(10**6), max_value=MINIMUM_PEOPLE - 1)
enough = st.integers(min_value=MINIMUM_PEOPLE, max_value=10**6)


@given(value=figures, people=few)
def test_a_figure_of_fewer_than_five_people_never_shows(value, people):
    result = shown(value, people=people)
    assert result == FEWER_THAN_FIVE
    assert str(result) == "fewer than 5"


@given(value=figures, people=enough)
def test_a_figure_of_five_people_or_more_shows_as_it_is(value, people):
    assert shown(value, people=people) == value


@given(people=st.integers(min_value=-(10**6), max_value=10**6))
def test_nothing_to_count_stays_nothing_whoever_counted(people):
    assert shown(None, people=people) is None


@given(value=figures, people=st.integers(min_value=0, max_value=10**6), more=st.integers(0, 100))
def test_more_people_never_hide_a_figure_that_fewer_showed(value, people, more):
    if not is_suppressed(shown(value, people=people)):
        assert not is_suppressed(shown(value, people=people + more))


counts = st.integers(min_value=0, max_value=10_000)
activities = st.builds(
    Activity,
    members=counts,
    organisations=counts,
    meetings_held=counts,
    places=counts,
    attended=counts,
    attendees=counts,
    asks=counts,
    answered=counts,
    helpful=counts,
    askers=counts,
    hours_to_first_reply=st.lists(st.floats(min_value=0, max_value=1e5), max_size=20),
    library_items=counts,
    library_added=counts,
    reuses=counts,
)


@given(activity=activities)
def test_a_row_of_a_community_under_five_members_shows_no_figure(activity):
    activity.members = activity.members % MINIMUM_PEOPLE
    row = community_figures(activity)
    assert set(row) == {key for key, _ in MEASURES}
    assert all(value == FEWER_THAN_FIVE for value in row.values())


@given(activity=activities)
def test_a_rate_or_median_shows_only_over_five_people(activity):
    row = community_figures(activity)
    over = {
        "attendance_rate": activity.attendees,
        "answered_share": activity.askers,
        "helpful_share": activity.askers,
        "median_hours_to_reply": activity.askers,
    }
    for key, people in over.items():
        if people < MINIMUM_PEOPLE or activity.members < MINIMUM_PEOPLE:
            assert row[key] in (FEWER_THAN_FIVE, None), key
        elif row[key] is not None:
            assert not is_suppressed(row[key])


@given(activity=activities)
def test_every_count_of_a_community_of_five_or_more_shows(activity):
    activity.members += MINIMUM_PEOPLE
    row = community_figures(activity)
    assert row["members"] == activity.members
    assert row["meetings_held"] == activity.meetings_held
    assert row["asks"] == activity.asks
    assert row["library_items"] == activity.library_items


def test_money_is_held_back_whatever_its_size():
    assert shown(Decimal("250000.00"), people=1) == FEWER_THAN_FIVE
    assert shown(Decimal("250000.00"), people=5) == Decimal("250000.00")
