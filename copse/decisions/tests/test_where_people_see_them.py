"""Where people see proposals: the community's home lists the open ones
waiting for the viewer's answer and links to Decisions."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from copse.decisions import services


def _open(actor, community, title):
    return services.create_proposal(
        actor=actor,
        community=community,
        title=title,
        body="Monthly online, quarterly in person.",
        deadline=timezone.now() + dt.timedelta(days=4),
    )


def _home(client, user, community):
    client.force_login(user)
    response = client.get(community.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_home_lists_what_waits_for_the_viewers_answer_and_nothing_else(client, roles):
    community, people = roles
    waiting = _open(people["facilitator"], community, "Meet quarterly in person")
    answered = _open(people["facilitator"], community, "Rotate the host company")
    services.take_position(actor=people["member"], proposal=answered, stance="agree")
    withdrawn = _open(people["facilitator"], community, "Record our meetings")
    services.withdraw_proposal(actor=people["facilitator"], proposal=withdrawn)

    page = _home(client, people["member"], community)
    assert "Waiting for your answer" in page
    assert waiting.get_absolute_url() in page
    assert "Rotate the host company" not in page
    assert "Record our meetings" not in page
    assert f'href="/c/{community.slug}/decisions/"' in page


def test_those_who_do_not_answer_see_the_link_but_no_waiting_list(client, roles):
    community, people = roles
    _open(people["facilitator"], community, "Meet quarterly in person")
    # A delegate follows the decisions; the member they stand in for answers.
    page = _home(client, people["delegate"], community)
    assert "Waiting for your answer" not in page
    assert "Meet quarterly in person" not in page
    assert f'href="/c/{community.slug}/decisions/"' in page


def test_the_deadline_shows_in_the_viewers_own_time_zone(client, roles):
    community, people = roles
    proposal = _open(people["facilitator"], community, "Meet quarterly in person")
    people["member"].time_zone = "America/Los_Angeles"
    people["member"].save(update_fields=["time_zone"])
    pacific = proposal.deadline.astimezone(ZoneInfo("America/Los_Angeles"))
    shown = f"{pacific:%H:%M} {pacific.tzname()}"
    assert shown in _home(client, people["member"], community)
    assert shown in client.get(proposal.get_absolute_url()).content.decode()
    listed = client.get(f"/c/{community.slug}/decisions/").content.decode()
    assert shown in listed
