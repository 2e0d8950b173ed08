"""The thread page renders its posts from a cache (conversations.thread_posts).

Each test fetches the page as one viewer and then another, changes a post or
a seat, and fetches again: the change shows at once, and nobody ever gets a
rendering made for someone who may see or do more.
"""

import re

import pytest

from copse import testing
from copse.conversations import services
from copse.memberships import services as memberships
from copse.memberships.models import Membership


@pytest.fixture
def world(db):
    community = testing.make_community(slug="quiet", visibility="confidential")
    asker, member, facilitator, outsider = (testing.make_user() for _ in range(4))
    testing.seat(community, asker)
    testing.seat(community, member)
    testing.seat(community, facilitator, role="facilitator")
    thread = services.start_thread(
        actor=asker, community=community, kind="ask", title="Carrier renewal", body="Which carrier?"
    )
    reply = services.post_reply(actor=member, thread=thread, body="We chose Northwind.")
    return community, thread, reply, asker, member, facilitator, outsider


def _page(client, person, thread):
    client.force_login(person)
    return client.get(thread.get_absolute_url())


def _remove_link(reply):
    return f"/p/{reply.pk}/remove/"


def test_an_edit_shows_to_every_viewer_at_once(client, world):
    _, thread, reply, asker, member, facilitator, _ = world
    for person in (asker, member, facilitator):
        assert b"We chose Northwind." in _page(client, person, thread).content
    services.edit_post(actor=member, post=reply, body="We chose Contoso in the end.")
    for person in (asker, member, facilitator):
        content = _page(client, person, thread).content
        assert b"We chose Contoso in the end." in content
        assert b"Northwind" not in content


def test_a_removal_by_a_facilitator_shows_at_once(client, world):
    _, thread, reply, asker, member, facilitator, _ = world
    for person in (member, facilitator):
        _page(client, person, thread)
    services.remove_post(actor=facilitator, post=reply, reason="Off topic")
    for person in (asker, member, facilitator):
        content = _page(client, person, thread).content
        assert b"We chose Northwind." not in content
        assert b"Removed by a facilitator: Off topic" in content


def test_a_helpful_mark_shows_at_once_and_only_the_asker_may_undo_it(client, world):
    _, thread, reply, asker, member, facilitator, _ = world
    assert b"Mark helpful" in _page(client, asker, thread).content
    assert b"Mark helpful" not in _page(client, member, thread).content
    services.mark_helpful(actor=asker, post=reply)
    asker_sees = _page(client, asker, thread).content
    assert b"Not helpful after all" in asker_sees
    for person in (member, facilitator):
        content = _page(client, person, thread).content
        assert b"post--helpful" in content
        assert b"Not helpful after all" not in content


def test_moderation_controls_follow_a_role_change(client, world):
    community, thread, reply, asker, member, facilitator, _ = world
    assert _remove_link(reply).encode() in _page(client, facilitator, thread).content
    assert _remove_link(reply).encode() not in _page(client, asker, thread).content
    seat = Membership.objects.get(community=community, user=asker)
    memberships.change_role(actor=facilitator, membership=seat, role="facilitator")
    assert _remove_link(reply).encode() in _page(client, asker, thread).content
    memberships.change_role(actor=facilitator, membership=seat, role="member")
    assert _remove_link(reply).encode() not in _page(client, asker, thread).content


def test_a_member_who_leaves_gets_nothing_cached(client, world):
    community, thread, _, _, member, facilitator, outsider = world
    assert _page(client, member, thread).status_code == 200
    assert _page(client, facilitator, thread).status_code == 200
    memberships.leave(actor=member, community=community)
    response = _page(client, member, thread)
    assert response.status_code == 404
    assert b"Northwind" not in response.content
    response = _page(client, outsider, thread)
    assert response.status_code == 404
    assert b"Northwind" not in response.content
    client.logout()
    response = client.get(thread.get_absolute_url())
    assert b"Northwind" not in response.content


def test_each_viewer_gets_their_own_controls_and_form_token(client, world):
    _, thread, reply, asker, member, _, _ = world
    member_sees = _page(client, member, thread).content
    assert f"/p/{reply.pk}/edit/".encode() in member_sees
    asker_sees = _page(client, asker, thread).content
    assert f"/p/{reply.pk}/edit/".encode() not in asker_sees
    # The helpful form carries the asker's own token, not a stand-in.
    tokens = re.findall(rb'name="csrfmiddlewaretoken" value="([^"]+)"', asker_sees)
    assert tokens and all(b"stand-in" not in token for token in tokens)


def test_new_marks_follow_reading_without_a_stale_rendering(client, world):
    _, thread, _, asker, member, _, _ = world
    client.force_login(asker)
    first = client.get(thread.get_absolute_url()).content
    assert b'<span class="badge">New</span>' in first  # the reply, not yet read
    again = client.get(thread.get_absolute_url()).content
    assert b'<span class="badge">New</span>' not in again
    services.post_reply(actor=member, thread=thread, body="And Fabrikam for roaming.")
    latest = client.get(thread.get_absolute_url()).content
    assert b"And Fabrikam for roaming." in latest
    assert latest.count(b'<span class="badge">New</span>') == 1


def test_the_quick_select_writes_what_django_select_writes():
    import re as _re

    from django import forms

    from copse.conversations.forms import QuickSelect

    choices = [("", "None"), ("In <Ops>", [(1, 'Runbook "A" — Page'), (2, "B & C — Link")])]
    for value in (None, 2):
        quick = QuickSelect(choices=choices).render("library_item", value, {"id": "id_x"})
        plain = forms.Select(choices=choices).render("library_item", value, {"id": "id_x"})
        assert _re.sub(r"\s+", "", quick) == _re.sub(r"\s+", "", plain)


def test_no_text_a_member_types_is_filled_with_a_viewer_s_token_or_badge(client, world):
    """The cached rendering's stand-ins are filled on every view; a post that
    spells one must be shown as typed."""
    _, thread, _, asker, member, _, _ = world
    typed = "copse-csrf-stand-in csrf-stand-in- <!--copse-new:1-->"
    services.post_reply(actor=member, thread=thread, body=typed)
    content = _page(client, asker, thread).content.decode()
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    assert "copse-csrf-stand-in csrf-stand-in- &lt;!--copse-new:1--&gt;" in content
    if token:
        body = content.split("copse-csrf-stand-in", 1)[1].split("</p>", 1)[0]
        assert token not in body


def test_a_tag_change_shows_at_once_in_the_thread_list(client, world):
    from django.urls import reverse

    community, thread, _reply, _asker, member, _f, _o = world

    def rows():
        client.force_login(member)
        return client.get(reverse("conversations:list", args=[community.slug])).content.decode()

    assert "Telecom" not in rows()
    [tag] = services.tags_from_names(["Telecom"], community=community)
    thread.tags.add(tag)
    assert ">Telecom</a>" in rows()
    tag.name = "Telecoms"
    tag.save()
    assert ">Telecoms</a>" in rows()
    thread.tags.remove(tag)
    assert "Telecoms" not in rows()
    thread.tags.add(tag)
    tag.threads.clear()
    assert "Telecoms" not in rows()
    # The thread page's outline shows the tags too.
    assert "Telecoms" not in _page(client, member, thread).content.decode()
