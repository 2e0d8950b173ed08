"""The topic pages: plain forms that redirect with a message, htmx row swaps,
and forms that come back with what was typed."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from copse.communities.models import Community
from copse.core import permissions
from copse.topics import services
from copse.topics.models import Topic, TopicVote


@pytest.fixture
def topic(roles):
    community, people = roles
    return services.nominate(
        actor=people["member"],
        community=community,
        title="Cloud cost control",
        why="Bills doubled <b>this</b> year.",
        area="Technology",
    )


def _backlog(community, status=""):
    url = reverse("topics:backlog", args=[community.slug])
    return url + (f"?status={status}" if status else "")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_backlog_shows_tabs_counts_votes_and_the_nominate_form(client, roles, topic):
    community, people = roles
    services.vote(actor=people["facilitator"], topic=topic)
    client.force_login(people["member"])
    response = client.get(_backlog(community))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page">Proposed <span class="badge">1' in html
    assert "1 vote</strong>" in html
    assert "Nominated by Mona Member" in html
    # The text members wrote is escaped, never markup.
    assert "Bills doubled &lt;b&gt;this&lt;/b&gt; year." in html
    assert 'Vote<span class="visually-hidden-label"> for “Cloud cost control”</span>' in html
    assert 'action="/c/circle/topics/nominate/"' in html
    assert '<label for="id_title">Title' in html
    assert '<option value="Technology">Technology</option>' in html
    # Strict CSP: no inline script or style.
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    # The proposer may edit; only facilitators see the status controls.
    assert reverse("topics:edit", args=[community.slug, topic.pk]) in html
    assert "Change status" not in html


def test_each_tab_has_its_own_empty_state(client, roles):
    community, people = roles
    client.force_login(people["member"])
    expected = {
        "": "No topics proposed yet. Nominate the first",
        "scheduled": "No topics are on a meeting's agenda yet.",
        "covered": "No topics covered yet.",
        "parked": "Nothing is parked.",
    }
    for status, text in expected.items():
        response = client.get(_backlog(community, status))
        assert response.status_code == 200
        assert text in response.content.decode()
    # Nonsense in the address is ignored, never an error.
    response = client.get(_backlog(community, "nonsense") + "&after=9|not-a-date|x")
    assert response.status_code == 200


def test_delegates_read_without_forms_and_are_told_why(client, roles, topic):
    community, people = roles
    client.force_login(people["delegate"])
    html = client.get(_backlog(community)).content.decode()
    assert "Cloud cost control" in html
    assert "As a delegate you follow the topics" in html
    assert "nominate-form" not in html
    assert reverse("topics:vote", args=[community.slug, topic.pk]) not in html


def test_members_are_told_to_accept_new_norms(client, roles, topic):
    community, people = roles
    Community.objects.filter(pk=community.pk).update(norms_version=1)
    client.force_login(people["member"])
    html = client.get(_backlog(community)).content.decode()
    assert "accept the new version</a> to nominate topics and vote" in html
    assert "nominate-form" not in html


def test_nominating_redirects_to_the_new_topic_with_a_message(client, roles):
    community, people = roles
    client.force_login(people["member"])
    response = client.post(
        reverse("topics:nominate", args=[community.slug]),
        {"title": "Vendor risk", "why": "Audits.", "area": "Processes"},
    )
    topic = Topic.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/circle/topics/#topic-{topic.pk}"
    assert _messages(response) == ["“Vendor risk” is in the backlog. Members can vote for it now."]
    assert (topic.area, topic.proposed_by) == ("Processes", people["member"])


def test_a_bad_nomination_comes_back_with_everything_typed(client, roles, topic):
    community, people = roles
    client.force_login(people["member"])
    url = reverse("topics:nominate", args=[community.slug])
    response = client.post(url, {"title": "", "why": "Because <we> care", "area": "People"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the topic a title: a question or a theme." in html
    assert "Because &lt;we&gt; care</textarea>" in html
    assert '<option value="People" selected>People</option>' in html
    assert "<details open>" in html
    assert "Cloud cost control" in html  # the backlog is still there
    # A rule the service enforces comes back the same way.
    response = client.post(url, {"title": "cloud cost CONTROL", "why": "Again", "area": "People"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "is already in the backlog: vote for it there instead." in html
    assert 'value="cloud cost CONTROL"' in html
    assert Topic.objects.count() == 1


def test_a_delegates_nomination_is_refused_but_kept(client, roles):
    community, people = roles
    client.force_login(people["delegate"])
    response = client.post(
        reverse("topics:nominate", args=[community.slug]),
        {"title": "My idea", "why": "Keep this", "area": "People"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Delegates follow the topics" in html
    assert 'value="My idea"' in html and "Keep this</textarea>" in html
    assert not Topic.objects.exists()


def test_voting_without_javascript_redirects_back_with_a_message(client, roles, topic):
    community, people = roles
    client.force_login(people["facilitator"])
    url = reverse("topics:vote", args=[community.slug, topic.pk])
    response = client.post(url, {"after": "2|2030-01-01T00:00:00+00:00|5"})
    assert response.status_code == 302
    assert response["Location"] == (
        f"/c/circle/topics/?after=2%7C2030-01-01T00%3A00%3A00%2B00%3A00%7C5#topic-{topic.pk}"
    )
    assert _messages(response) == ["You voted for “Cloud cost control”; it has 1 vote."]
    client.post(url)  # again: still one vote
    assert TopicVote.objects.count() == 1
    response = client.post(url, {"withdraw": "1"})
    assert _messages(response)[-1] == "You withdrew your vote for “Cloud cost control”."
    assert Topic.objects.get(pk=topic.pk).vote_count == 0
    html = client.get(_backlog(community)).content.decode()
    assert "0 votes</strong>" in html


def test_voting_with_htmx_swaps_just_the_row(client, roles, topic):
    community, people = roles
    client.force_login(people["member"])
    url = reverse("topics:vote", args=[community.slug, topic.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith(f'<li class="card topic-row" id="topic-{topic.pk}">')
    assert "<html" not in html and "Nominate a topic" not in html
    assert "1 vote</strong>" in html
    assert "You voted for this." in html
    assert 'name="withdraw" value="1"' in html
    assert f'id="vote-{topic.pk}"' in html
    assert "Withdraw my vote" in html
    assert f'hx-target="#topic-{topic.pk}"' in html
    assert not _messages(response)  # nothing left over for the next page
    response = client.post(url, {"withdraw": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "0 votes</strong>" in html and "You voted" not in html
    assert f'id="vote-{topic.pk}"' in html


def test_a_refused_htmx_vote_says_why_in_the_row(client, roles, topic):
    community, people = roles
    services.set_status(actor=people["facilitator"], topic=topic, status="parked")
    client.force_login(people["member"])
    url = reverse("topics:vote", args=[community.slug, topic.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'role="alert">Voting has closed: this topic is parked now.' in response.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert _messages(response) == ["Voting has closed: this topic is parked now."]
    assert not TopicVote.objects.exists()


def test_a_delegates_vote_is_refused_with_the_reason(client, roles, topic):
    community, people = roles
    client.force_login(people["delegate"])
    response = client.post(reverse("topics:vote", args=[community.slug, topic.pk]))
    assert response.status_code == 302
    assert "Delegates follow the topics" in _messages(response)[0]
    assert not TopicVote.objects.exists()


def test_facilitators_change_status_from_the_row(client, roles, topic):
    community, people = roles
    client.force_login(people["facilitator"])
    html = client.get(_backlog(community)).content.decode()
    assert (
        '<summary>Change status<span class="visually-hidden-label"> of “Cloud cost control”' in html
    )
    assert 'value="parked"' in html and 'value="covered"' in html
    url = reverse("topics:status", args=[community.slug, topic.pk])
    response = client.post(url, {"status": "parked"})
    assert response.status_code == 302
    assert response["Location"] == "/c/circle/topics/"
    assert _messages(response) == ["“Cloud cost control” is parked now. It is under Parked."]
    html = client.get(_backlog(community, "parked")).content.decode()
    assert "Cloud cost control" in html and "Back to proposed" in html
    response = client.post(url, {"status": "scheduled"})
    assert response["Location"] == f"/c/circle/topics/?status=parked#topic-{topic.pk}"
    assert _messages(response) == ["A topic is scheduled by putting it on a meeting's agenda."]
    assert Topic.objects.get(pk=topic.pk).status == "parked"


def test_members_cannot_change_status(client, roles, topic):
    community, people = roles
    client.force_login(people["member"])
    response = client.post(
        reverse("topics:status", args=[community.slug, topic.pk]), {"status": "parked"}
    )
    assert response.status_code == 404
    assert Topic.objects.get(pk=topic.pk).status == "proposed"


def test_editing_keeps_what_was_typed_and_saves(client, roles, topic):
    community, people = roles
    client.force_login(people["member"])
    url = reverse("topics:edit", args=[community.slug, topic.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'value="Cloud cost control"' in response.content.decode()
    response = client.post(url, {"title": "  ", "why": "New reason", "area": "Metrics"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "New reason</textarea>" in html and '<option value="Metrics" selected>' in html
    response = client.post(url, {"title": "Cloud costs", "why": "New reason", "area": "Metrics"})
    assert response.status_code == 302
    assert response["Location"] == f"/c/circle/topics/#topic-{topic.pk}"
    topic.refresh_from_db()
    assert (topic.title, topic.why, topic.area) == ("Cloud costs", "New reason", "Metrics")


def test_the_proposer_cannot_edit_once_scheduled(client, roles, topic):
    community, people = roles
    services.mark_scheduled(topics=[topic])
    client.force_login(people["member"])
    assert client.get(reverse("topics:edit", args=[community.slug, topic.pk])).status_code == 404
    client.force_login(people["facilitator"])
    permissions.forget_standings(people["facilitator"])
    assert client.get(reverse("topics:edit", args=[community.slug, topic.pk])).status_code == 200


def test_a_topic_is_not_reachable_through_another_communitys_address(client, roles, topic):
    from copse import testing

    community, people = roles
    other = testing.make_community(slug="other", visibility="members")
    testing.seat(other, people["member"])
    client.force_login(people["member"])
    response = client.post(reverse("topics:vote", args=["other", topic.pk]))
    assert response.status_code == 404
    assert not TopicVote.objects.exists()


def test_pages_follow_the_keyset_cursor(client, roles, monkeypatch):
    from copse.topics import selectors

    community, people = roles
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for n in range(3):
        Topic.objects.create(community=community, title=f"Topic {n}", vote_count=3 - n)
    client.force_login(people["member"])
    html = client.get(_backlog(community)).content.decode()
    assert "Topic 0" in html and "Topic 1" in html and "Topic 2" not in html
    cursor = re.search(r'href="\?after=([^"]+)">More topics', html).group(1)
    html = client.get(_backlog(community) + "?after=" + cursor).content.decode()
    assert "Topic 2" in html and "Topic 1" not in html
    assert "Back to the top" in html
    # The page's vote forms send the reader back to the same page.
    assert 'name="after" value="' in html


def test_anyone_reads_an_open_communitys_topics_but_only_members_vote(client, db):
    from copse import testing

    community = testing.make_community(slug="open-cop", visibility="open", listed=True)
    author = testing.make_user()
    testing.seat(community, author)
    services.nominate(actor=author, community=community, title="Open topic", why="", area="People")
    response = client.get(_backlog(community))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Open topic" in html and "0 votes</strong>" in html
    assert "nominate-form" not in html and "/vote/" not in html


def test_a_page_past_the_end_offers_the_way_back(client, roles, topic):
    community, people = roles
    client.force_login(people["member"])
    html = client.get(_backlog(community) + "?after=0|2999-01-01T00:00:00%2B00:00|1").content
    assert b"No more topics here." in html and b"Back to the top" in html


def test_the_nominate_link_on_other_tabs_opens_the_form(client, roles, topic):
    community, people = roles
    client.force_login(people["member"])
    html = client.get(_backlog(community, "covered")).content.decode()
    assert 'href="/c/circle/topics/?nominate=1#nominate"' in html
    html = client.get(_backlog(community) + "?nominate=1").content.decode()
    assert "<details open>" in html
    assert "<details open>" not in client.get(_backlog(community)).content.decode()
