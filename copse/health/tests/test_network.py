"""The reply network of a community, built from real posts: who answered
whom, what counts (and what does not), the drawing and its text tables, and
a fixed number of queries whatever the size."""

import datetime as dt
import math
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.conversations.models import Post
from copse.health import network as network_module
from copse.health.network import reply_network

SVG = "{http://www.w3.org/2000/svg}"


def ask(author, community, title="Who has switched carriers?"):
    return conversations.start_thread(
        actor=author, community=community, kind="ask", title=title, body="We pay too much."
    )


def reply(author, thread, body="We did; it went well."):
    return conversations.post_reply(actor=author, thread=thread, body=body)


@pytest.fixture
def telecom(db):
    """Dev asks about carriers; two peers and Maria, the facilitator, answer;
    Dev thanks them in his own thread; Maria starts a discussion and Dev answers."""
    community = testing.make_community(slug="sv-cio-cop", name="Silicon Valley CIO CoP")
    maria = testing.make_user(name="Maria Lopez")
    dev = testing.make_user(name="Dev Patel")
    ana = testing.make_user(name="Ana Ortiz")
    ben = testing.make_user(name="Ben Okafor")
    testing.seat(community, maria, role="facilitator")
    for person in (dev, ana, ben):
        testing.seat(community, person)
    thread = ask(dev, community)
    reply(ana, thread)
    reply(ben, thread)
    reply(maria, thread)
    reply(dev, thread, "Thank you all.")
    discussion = conversations.start_thread(
        actor=maria, community=community, kind="discussion", title="Next quarter", body="Ideas?"
    )
    reply(dev, discussion)
    return community, {"maria": maria, "dev": dev, "ana": ana, "ben": ben}


def a_year_ago():
    return timezone.now() - dt.timedelta(days=365)


def test_an_edge_runs_from_the_replier_to_whoever_opened_the_thread(telecom):
    community, p = telecom
    network = reply_network(community, a_year_ago())
    assert {(e.from_user_id, e.to_user_id, e.replies) for e in network.edges} == {
        (p["ana"].pk, p["dev"].pk, 1),
        (p["ben"].pk, p["dev"].pk, 1),
        (p["maria"].pk, p["dev"].pk, 1),
        (p["dev"].pk, p["maria"].pk, 1),
    }
    # Dev's thanks in his own thread is a post, not an exchange.
    assert network.reply_count == 4
    assert network.post_count == 7
    assert [(person.name, person.is_facilitator, person.posts) for person in network.people] == [
        ("Ana Ortiz", False, 1),
        ("Ben Okafor", False, 1),
        ("Dev Patel", False, 3),
        ("Maria Lopez", True, 2),
    ]


def test_the_measures_of_the_telecom_ask(telecom):
    community, _ = telecom
    network = reply_network(community, a_year_ago())
    # Three of the six pairs have exchanged replies, all through Dev: a star.
    assert math.isclose(network.density, 0.5)
    assert math.isclose(network.centralisation, 1.0)
    assert math.isclose(network.airtime, 2 / 7)
    # Ana's and Ben's replies to Dev touch no facilitator; Maria's and Dev's to her do.
    assert math.isclose(network.many_to_many, 0.5)


def test_removed_posts_removed_threads_and_older_posts_do_not_count(telecom):
    community, p = telecom
    thread = Post.objects.get(author=p["ana"]).thread
    conversations.remove_post(actor=p["ana"], post=Post.objects.get(author=p["ana"]))
    discussion = Post.objects.get(author=p["maria"], position=0).thread
    conversations.remove_thread(actor=p["maria"], thread=discussion, reason="Off topic")
    old = reply(p["ben"], thread, "An old note.")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    network = reply_network(community, timezone.now() - dt.timedelta(days=30))
    assert {(e.from_user_id, e.to_user_id, e.replies) for e in network.edges} == {
        (p["ben"].pk, p["dev"].pk, 1),
        (p["maria"].pk, p["dev"].pk, 1),
    }
    assert network.post_count == 4  # Dev's ask and thanks, Ben's and Maria's replies
    # Everything since the beginning, when no start is given.
    assert reply_network(community, None).reply_count == 3


def test_imported_posts_without_an_author_make_no_edge_but_are_posts(telecom):
    community, p = telecom
    thread = Post.objects.get(author=p["ana"]).thread
    Post.objects.create(
        thread=thread,
        community=community,
        position=99,
        author=None,
        imported_author="List Reader <reader@example.com>",
        body="From the old list.",
    )
    network = reply_network(community, a_year_ago())
    assert network.reply_count == 4
    assert network.post_count == 8
    assert math.isclose(network.airtime, 2 / 8)
    assert all(person.user_id is not None for person in network.people)


def test_a_reply_to_a_thread_opened_before_the_period_reaches_its_opener(telecom):
    community, p = telecom
    thread = Post.objects.get(author=p["ana"]).thread
    Post.objects.filter(thread=thread).update(created_at=timezone.now() - dt.timedelta(days=100))
    reply(p["ana"], thread, "Three months on, how did it go?")
    network = reply_network(community, timezone.now() - dt.timedelta(days=30))
    assert (p["ana"].pk, p["dev"].pk, 1) in {tuple(edge) for edge in network.edges}
    dev = next(person for person in network.people if person.user_id == p["dev"].pk)
    assert dev.posts == 1  # his reply in Maria's discussion; his ask is older


def test_facilitators_are_those_seated_as_such_now_in_this_community(telecom):
    community, p = telecom
    elsewhere = testing.make_community()
    testing.seat(elsewhere, p["ana"], role="facilitator")
    testing.seat(community, p["maria"], role="facilitator", status="left")
    network = reply_network(community, a_year_ago())
    assert not any(person.is_facilitator for person in network.people)
    assert network.airtime == 0.0
    assert network.many_to_many == 1.0


def test_posts_of_another_community_stay_out(telecom):
    community, p = telecom
    other = testing.make_community()
    testing.seat(other, p["ana"])
    testing.seat(other, p["ben"])
    reply(p["ben"], ask(p["ana"], other))
    assert reply_network(community, a_year_ago()).reply_count == 4
    assert reply_network(other, a_year_ago()).reply_count == 1


def test_a_quiet_period_has_no_network(telecom):
    community, _ = telecom
    network = reply_network(community, timezone.now() + dt.timedelta(minutes=1))
    assert network.people == [] and network.edges == []
    assert (network.density, network.centralisation, network.airtime, network.many_to_many) == (
        0.0,
        0.0,
        0.0,
        0.0,
    )
    html = render_to_string("health/_network.html", {"network": network})
    assert "Nobody posted in this period" in html
    assert "<svg" not in html


def test_the_drawing_is_an_accessible_image_with_no_script_or_style(telecom):
    community, _ = telecom
    network = reply_network(community, a_year_ago())
    svg = ET.fromstring(str(network.svg))
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    assert "4 people, 4 replies" in svg.find(f"{SVG}title").text
    markup = str(network.svg)
    assert "style" not in markup and "<script" not in markup
    # Members are circles and the facilitator a square, in another colour.
    people = [group for group in svg.iter(f"{SVG}g") if group.find(f"{SVG}title") is not None]
    shapes = {
        group.find(f"{SVG}text").text: (group[1].tag.removeprefix(SVG), group[1].get("fill"))
        for group in people
    }
    assert shapes == {
        "AO": ("circle", network_module.MEMBER_COLOUR),
        "BO": ("circle", network_module.MEMBER_COLOUR),
        "DP": ("circle", network_module.MEMBER_COLOUR),
        "ML": ("rect", network_module.FACILITATOR_COLOUR),
    }
    lines = [path for path in svg.iter(f"{SVG}path") if path.get("marker-end")]
    assert len(lines) == 4 + 1  # four edges and the legend's arrow


def test_edges_are_wider_for_more_replies(telecom):
    community, p = telecom
    thread = Post.objects.get(author=p["ana"]).thread
    for _ in range(3):
        reply(p["ana"], thread)
    svg = ET.fromstring(str(reply_network(community, a_year_ago()).svg))
    widths = sorted(
        float(path.get("stroke-width"))
        for path in svg.iter(f"{SVG}path")
        if path.get("d", "").startswith("M") and path.get("marker-end") and " Q " in path.get("d")
    )
    assert widths[0] < widths[-1] == 6.0


def test_people_sit_round_the_circle_in_order_of_name(telecom):
    community, _ = telecom
    drawing = network_module._layout(reply_network(community, a_year_ago()))
    assert [node["initials"] for node in drawing["nodes"]] == ["AO", "BO", "DP", "ML"]
    # The first at the top, the others clockwise, all on the ring.
    top = drawing["nodes"][0]
    assert (float(top["x"]), float(top["y"])) == (240.0, 50.0)
    for node in drawing["nodes"]:
        distance = math.hypot(float(node["x"]) - 240, float(node["y"]) - 240)
        assert abs(distance - network_module.RING) < 0.2


def test_the_partial_says_who_answered_whom_and_the_measures_in_words(telecom):
    community, _ = telecom
    network = reply_network(community, a_year_ago())
    html = render_to_string("health/_network.html", {"network": network})
    assert 'role="img"' in html
    assert "Who answered whom, and how many times" in html
    assert '<th scope="row">Maria Lopez (facilitator)</th><td>Dev Patel</td><td>1</td>' in html
    assert "0.50</strong> — 50% of the possible pairs among the 4 people" in html
    assert "29%</strong> — of the 7 posts in this period, 29% came from facilitators" in html
    assert "50%</strong> — of the 4 replies between people, 50% went from one member" in html
    assert "style=" not in html


def test_the_members_version_shows_the_measures_and_nobody(telecom):
    community, p = telecom
    network = reply_network(community, a_year_ago())
    for html in (
        render_to_string("health/_network.html", {"network": network, "with_people": False}),
        render_to_string("health/_network_measures.html", {"network": network}),
    ):
        assert "50% of the possible pairs" in html
        assert "<svg" not in html
        for person in p.values():
            assert person.name not in html
            assert person.initials not in html


def test_a_crowd_is_drawn_by_its_most_involved_and_counted_whole(db):
    community = testing.make_community()
    host = testing.make_user(name="Hana Host")
    testing.seat(community, host, role="facilitator")
    thread = ask(host, community)
    crowd = [testing.make_user(name=f"Member {n:02d}") for n in range(45)]
    for person in crowd:
        testing.seat(community, person)
        reply(person, thread)
    network = reply_network(community, a_year_ago())
    assert network.person_count == 46
    assert len(network.drawn) == network_module.MOST_DRAWN
    assert network.undrawn_count == 6
    assert host.pk in {person.user_id for person in network.drawn}
    assert math.isclose(network.centralisation, 1.0)
    html = render_to_string("health/_network.html", {"network": network})
    assert "6 more are counted in the measures" in html


def grow(community, host, members: int):
    """`members` people, each asking once and answering the one before."""
    people = []
    for n in range(members):
        person = testing.make_user(name=f"Person {n:02d}")
        testing.seat(community, person)
        people.append(person)
    previous = ask(host, community)
    for person in people:
        reply(person, previous)
        previous = ask(person, community, f"Question from {person.name}")
        reply(host, previous)


@pytest.mark.parametrize("members", [3, 30])
def test_the_network_runs_two_queries_whatever_the_size(db, members):
    community = testing.make_community()
    host = testing.make_user(name="Hana Host")
    testing.seat(community, host, role="facilitator")
    grow(community, host, members)
    from django.db import connection

    with CaptureQueriesContext(connection) as captured:
        network = reply_network(community, a_year_ago())
        render_to_string("health/_network.html", {"network": network})
    assert len(captured) == 2
    assert network.reply_count == 2 * members


def test_two_people_are_too_few_to_tell_a_centre(db):
    community = testing.make_community()
    asker, answerer = testing.make_user(name="Ines Iyer"), testing.make_user(name="Kofi Kim")
    testing.seat(community, asker)
    testing.seat(community, answerer)
    reply(answerer, ask(asker, community))
    network = reply_network(community, a_year_ago())
    assert (network.density, network.centralisation, network.many_to_many) == (1.0, 0.0, 1.0)
    html = render_to_string("health/_network_measures.html", {"network": network})
    assert "too few people to tell" in html
    assert "100% of the possible pairs among the 2 people" in html
