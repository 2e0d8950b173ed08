"""A tag's spelling keeps the privacy of the thread it was written on.

A confidential community tags a thread "Project NIGHTJAR-7", then opens up.
The thread stays members-only (its floor), and so does the spelling: someone
outside who reaches /tags/<slug>/ through an open community's thread with the
same slug sees their own community's spelling, never the hidden one.
"""

import pytest
from django.urls import reverse

from copse import testing
from copse.conversations import services

HIDDEN = "Project NIGHTJAR-7"
TYPED = "project nightjar 7"
SLUG = "project-nightjar-7"


@pytest.fixture
def opened_then_typed(db):
    # The once-confidential community is created first, so its tag sorts first.
    opened = testing.make_community(slug="opened", visibility="confidential", listed=False)
    insider = testing.make_user(name="Ines Insider")
    facilitator = testing.make_user(name="Fay Facilitator")
    testing.seat(opened, insider)
    testing.seat(opened, facilitator, role="facilitator")
    services.start_thread(
        actor=insider,
        community=opened,
        kind="discussion",
        title="The plan",
        body="Secret plan.",
        tag_names=[HIDDEN],
    )
    testing.members_open_up(opened, facilitator, visibility="open")
    public = testing.make_community(slug="public", visibility="open")
    outsider = testing.make_user(name="Otto Outsider")
    testing.seat(public, outsider)
    services.start_thread(
        actor=outsider,
        community=public,
        kind="discussion",
        title="Anyone heard of this?",
        body="Rumours.",
        tag_names=[TYPED],
    )
    return insider, outsider


@pytest.mark.parametrize("who", ["anonymous", "outsider", "site_admin"])
def test_a_tag_written_while_confidential_keeps_its_spelling_after_the_community_opens(
    client, opened_then_typed, who
):
    insider, outsider = opened_then_typed
    if who == "outsider":
        client.force_login(outsider)
    elif who == "site_admin":
        client.force_login(testing.make_site_admin())
    for url in (reverse("conversations:tag", args=[SLUG]), reverse("conversations:catalogue")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert HIDDEN.encode() not in response.content, url
        assert TYPED.encode() in response.content, url
    # The seated still see their community's spelling on its tag page.
    client.force_login(insider)
    assert HIDDEN.encode() in client.get(reverse("conversations:tag", args=[SLUG])).content
