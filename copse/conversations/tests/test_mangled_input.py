"""Malformed form values on conversation pages never give a 500."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "abc", ""])
def test_a_draft_for_a_mangled_thread_id_is_saved_as_a_new_threads_draft(client, roles, value):
    community, people = roles
    client.force_login(people["member"])
    response = client.post(
        reverse("conversations:save_draft", args=[community.slug]),
        {"thread": value, "title": "Half a thought", "body": "Unfinished"},
    )
    assert response.status_code < 500


@pytest.mark.parametrize("name", ["conversations:save_draft", "conversations:new"])
def test_a_nul_byte_in_a_draft_or_a_refused_new_thread_gives_no_crash(client, roles, name):
    community, people = roles
    client.force_login(people["facilitator"])
    response = client.post(
        reverse(name, args=[community.slug]),
        {"title": "Half\x00 a thought", "body": "Unfinished\x00", "kind": "discussion"},
    )
    assert response.status_code < 500


def test_a_nul_byte_in_a_refused_reply_gives_no_crash(client, roles):
    from copse.conversations import services

    community, people = roles
    thread = services.start_thread(
        actor=people["facilitator"], community=community, kind="discussion", title="T", body="B"
    )
    client.force_login(people["facilitator"])
    response = client.post(
        reverse("conversations:reply", args=[community.slug, thread.pk]), {"body": "\x00"}
    )
    assert response.status_code < 500
