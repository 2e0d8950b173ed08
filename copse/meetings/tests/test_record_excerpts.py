"""The list of meeting records shows each summary's start as plain text."""

from django.urls import reverse

from copse.meetings import services
from copse.meetings.tests.conftest import make_meeting

SUMMARY = (
    "## What we learned\n\n- **Audit** the telecom contracts first.\n"
    "- Ask [Northwind](https://x.example/n) how they switched.\n"
)


def test_a_record_excerpt_shows_words_not_markdown(client, circle):
    meeting = make_meeting(circle, days_ahead=-2)
    facilitator = circle["facilitator"]
    services.save_summary_draft(actor=facilitator, meeting=meeting, markdown=SUMMARY)
    services.publish_summary(actor=facilitator, meeting=meeting)
    client.force_login(circle["members"][0])
    html = client.get(reverse("meetings:records", args=["cio"])).content.decode()
    excerpt = html.split('<p class="excerpt">', 1)[1].split("</p>", 1)[0]
    assert excerpt.startswith("What we learned Audit the telecom contracts first.")
    assert "Ask Northwind how they switched." in excerpt
    for mark in ("##", "**", "](", "- "):
        assert mark not in excerpt
