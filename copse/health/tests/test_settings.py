"""The health settings page: facilitators set the quiet period and the
nudge's words; anything out of range comes back with what was typed."""

import pytest
from django.urls import reverse

from copse.audit.models import AuditEntry
from copse.health.models import DEFAULT_NUDGE, HealthSettings
from copse.health.tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def _url():
    return reverse("health:settings", args=["cio"])


def test_the_settings_start_from_the_defaults(client, world):
    client.force_login(world.fay)
    response = client.get(_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="6"' in html
    assert "We have missed you in {community} lately." in html
    assert HealthSettings.objects.get(community=world.community).nudge_template == DEFAULT_NUDGE


def test_a_facilitator_changes_them_and_the_change_is_audited(client, world):
    client.force_login(world.fay)
    response = client.post(_url(), {"quiet_weeks": "3", "nudge_template": "Hi {name}!"})
    assert response.status_code == 302
    settings = HealthSettings.objects.get(community=world.community)
    assert (settings.quiet_weeks, settings.nudge_template, settings.updated_by) == (
        3,
        "Hi {name}!",
        world.fay,
    )
    entry = AuditEntry.objects.get(action="health.settings_changed")
    assert entry.detail["changed"] == ["quiet_weeks", "nudge_template"]
    assert "Hi {name}!" not in str(entry.detail)
    page = client.get(reverse("health:health", args=["cio"])).content.decode()
    assert "for 3 weeks" in page and "Hi Quinn Quiet!" in page


@pytest.mark.parametrize("weeks", ["0", "53", "-1", "abc", "", "1e3", "9" * 400])
def test_a_quiet_period_out_of_range_comes_back_with_what_was_typed(client, world, weeks):
    client.force_login(world.fay)
    response = client.post(_url(), {"quiet_weeks": weeks, "nudge_template": "Kept words"})
    assert response.status_code == 400
    assert "Kept words" in response.content.decode()
    assert HealthSettings.objects.get(community=world.community).quiet_weeks == 6


def test_empty_or_over_long_words_come_back(client, world):
    client.force_login(world.fay)
    assert client.post(_url(), {"quiet_weeks": "4", "nudge_template": " "}).status_code == 400
    long = "x" * 4001
    response = client.post(_url(), {"quiet_weeks": "4", "nudge_template": long})
    assert response.status_code == 400
    assert long in response.content.decode()


def test_members_cannot_change_them(client, world):
    client.force_login(world.mona)
    assert client.get(_url()).status_code == 404
    response = client.post(_url(), {"quiet_weeks": "1", "nudge_template": "x"})
    assert response.status_code == 404
    assert not HealthSettings.objects.filter(quiet_weeks=1).exists()
