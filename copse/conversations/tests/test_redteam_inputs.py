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
