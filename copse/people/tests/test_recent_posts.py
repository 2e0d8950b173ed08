"""A profile's "Recent posts" shows the start of each post as plain text."""

from django.urls import reverse

from copse import testing
from copse.conversations import services


def test_recent_posts_show_words_not_markdown(client, db):
    community = testing.make_community(slug="circle", visibility="members")
    author = testing.make_user(name="Ada Author")
    reader = testing.make_user(name="Rea Reader")
    for person in (author, reader):
        testing.seat(community, person)
    thread = services.start_thread(
        actor=author,
        community=community,
        kind="discussion",
        title="Carriers",
        body="## What we learned\n\n> **Audit** the contracts, then `renegotiate`.",
    )
    client.force_login(reader)
    html = client.get(reverse("people:profile", args=[author.handle])).content.decode()
    recent = html.split('id="activity-h"', 1)[1]
    assert f'href="{thread.get_absolute_url()}#post-0"' in recent
    assert "What we learned Audit the contracts, then renegotiate." in recent
    for mark in ("##", "**", "&gt; ", "`"):
        assert mark not in recent.split("</section>", 1)[0]
