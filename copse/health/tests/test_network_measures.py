"""The reply network's measures against graphs whose figures are known by
hand: a star, a complete graph, a path, and the smallest graphs, drawn by
Hypothesis with any labels, directions and numbers of replies."""

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from copse.health.network import (
    airtime,
    degree_centralisation,
    density,
    many_to_many,
    undirected_graph,
)

replies = st.integers(min_value=1, max_value=50)


def measures(nodes, edges):
    graph = undirected_graph(nodes, edges)
    return density(graph), degree_centralisation(graph)


@st.composite
def labelled(draw, n):
    """`n` distinct user ids, as a community's would be: any, in any order."""
    return draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))


@given(data=st.data(), n=st.integers(3, 40))
def test_a_star_is_wholly_centralised_and_two_in_n_dense(data, n):
    centre, *leaves = data.draw(labelled(n))
    edges = []
    for leaf in leaves:
        # Replies one way, the other, or both: the shape is the same.
        way = data.draw(st.sampled_from(["in", "out", "both"]))
        if way in ("in", "both"):
            edges.append((leaf, centre, data.draw(replies)))
        if way in ("out", "both"):
            edges.append((centre, leaf, data.draw(replies)))
    found_density, centralisation = measures([centre, *leaves], edges)
    assert math.isclose(centralisation, 1.0)
    assert math.isclose(found_density, 2 / n)


@given(data=st.data(), n=st.integers(2, 25))
def test_a_complete_graph_is_not_centralised_and_wholly_dense(data, n):
    people = data.draw(labelled(n))
    edges = [(a, b, data.draw(replies)) for a, b in itertools.combinations(people, 2)]
    found_density, centralisation = measures(people, edges)
    assert math.isclose(found_density, 1.0)
    assert centralisation == 0.0


@given(data=st.data(), n=st.integers(3, 40))
def test_a_path_has_the_centralisation_of_its_two_ends(data, n):
    people = data.draw(labelled(n))
    edges = [(a, b, data.draw(replies)) for a, b in itertools.pairwise(people)]
    found_density, centralisation = measures(people, edges)
    # Degrees: two ends of 1, the rest 2; sum(2 - degree) = 2.
    assert math.isclose(centralisation, 2 / ((n - 1) * (n - 2)))
    assert math.isclose(found_density, 2 / n)


def test_the_path_of_three_is_a_star():
    assert math.isclose(measures([1, 2, 3], [(1, 2, 1), (3, 2, 4)])[1], 1.0)


def test_nobody_one_person_and_two_people():
    assert measures([], []) == (0.0, 0.0)
    assert measures([7], []) == (0.0, 0.0)
    # One person answering their own thread is no exchange.
    assert measures([7], [(7, 7, 3)]) == (0.0, 0.0)
    assert measures([7, 9], []) == (0.0, 0.0)
    assert measures([7, 9], [(7, 9, 2)]) == (1.0, 0.0)
    assert measures([7, 9], [(7, 9, 2), (9, 7, 1)]) == (1.0, 0.0)


@given(n=st.integers(0, 30))
def test_people_who_only_posted_are_no_exchange(n):
    assert measures(range(n), []) == (0.0, 0.0)


@given(
    edges=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 12), replies), max_size=60),
    extra=st.lists(st.integers(1, 20), max_size=10),
)
def test_density_and_centralisation_stay_between_zero_and_one(edges, extra):
    nodes = {a for a, _, _ in edges} | {b for _, b, _ in edges} | set(extra)
    found_density, centralisation = measures(nodes, edges)
    assert 0.0 <= found_density <= 1.0
    assert 0.0 <= centralisation <= 1.0 + 1e-12


@given(
    edges=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 12), replies), max_size=60),
    shift=st.integers(1, 1000),
)
def test_measures_do_not_depend_on_who_is_called_what(edges, shift):
    nodes = {a for a, _, _ in edges} | {b for _, b, _ in edges}
    renamed = [(a * 7 + shift, b * 7 + shift, r) for a, b, r in edges]
    assert measures(nodes, edges) == measures({n * 7 + shift for n in nodes}, renamed)


posts = st.dictionaries(st.integers(1, 30), st.integers(0, 200), max_size=20)
facilitator_ids = st.sets(st.integers(1, 30), max_size=5)
edge_lists = st.lists(
    st.tuples(st.integers(1, 30), st.integers(1, 30), replies).filter(lambda e: e[0] != e[1]),
    max_size=60,
)


@given(posts=posts, facilitators=facilitator_ids, authorless=st.integers(0, 50))
def test_airtime_is_a_share(posts, facilitators, authorless):
    share = airtime(posts, facilitators, other_posts=authorless)
    assert 0.0 <= share <= 1.0
    total = sum(posts.values()) + authorless
    ours = sum(count for person, count in posts.items() if person in facilitators)
    assert math.isclose(share, ours / total) if total else share == 0.0


@given(edges=edge_lists, facilitators=facilitator_ids)
def test_many_to_many_is_a_share(edges, facilitators):
    assert 0.0 <= many_to_many(edges, facilitators) <= 1.0


@given(edges=edge_lists.filter(bool), facilitators=facilitator_ids)
def test_replies_with_no_facilitator_at_either_end_are_all_many_to_many(edges, facilitators):
    clear = [(a, b, r) for a, b, r in edges if a not in facilitators and b not in facilitators]
    if clear:
        assert many_to_many(clear, facilitators) == 1.0
    touching = [(a, b, r) for a, b, r in edges if a in facilitators or b in facilitators]
    if touching:
        assert many_to_many(touching, facilitators) == 0.0


def test_many_to_many_counts_replies_not_pairs():
    # Ten replies between members, thirty to the facilitator: a quarter.
    assert many_to_many([(2, 3, 10), (2, 1, 30)], {1}) == 0.25
    assert many_to_many([], {1}) == 0.0
    assert airtime({}, {1}) == 0.0
