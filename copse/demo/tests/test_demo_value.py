"""The demo's value stories: the CIO CoP's $250K telecom story, stories in
the other cycles (some private), estimates and waiting prompts; loaded once."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from copse.accounts.models import User
from copse.core import permissions
from copse.value.models import TimeEstimate, ValuePrompt, ValueStory
from copse.value.selectors import pending_prompts

pytestmark = pytest.mark.django_db


def _counts():
    return (
        ValueStory.objects.count(),
        TimeEstimate.objects.count(),
        ValuePrompt.objects.count(),
    )


def test_the_demo_tells_the_telecom_story_and_loads_once(client):
    call_command("demo", stdout=StringIO())
    first = _counts()
    call_command("demo", stdout=StringIO())
    assert _counts() == first

    dev = User.objects.get(email="dev@contoso.example")
    telecom = ValueStory.objects.get(author=dev, cycle="realised")
    assert telecom.community.slug == "sv-cio-cop"
    assert (telecom.money_saved, telecom.currency, telecom.sharing) == (
        Decimal("250000.00"),
        "USD",
        "report",
    )
    assert [t.title for t in telecom.threads.all()] == [
        "Telecom costs are out of control: who has switched carriers?"
    ]
    assert telecom.library_items.exists() and telecom.meetings.exists()
    assert not ValueStory.objects.filter(created_at__gt=timezone.now()).exists()
    cycles = set(ValueStory.objects.values_list("cycle", flat=True))
    assert cycles == {"immediate", "potential", "applied", "realised", "reframing"}
    assert ValueStory.objects.filter(sharing="private").count() >= 2

    # The facilitator reads the private CIO story; the asker does not.
    maria = User.objects.get(email="maria@northwind.example")
    private = ValueStory.objects.get(community=telecom.community, sharing="private")
    assert permissions.can(maria, "value_story.read", private)
    assert not permissions.can(dev, "value_story.read", private)

    # Dev sees his story, and a question waits after his last meeting.
    assert pending_prompts(dev, telecom.community)
    client.force_login(dev)
    page = client.get(reverse("value:list", args=["sv-cio-cop"])).content.decode()
    assert "more than $250K a year saved" in page
    assert private.title not in page
    home = client.get(telecom.community.get_absolute_url()).content.decode()
    assert "Did this save you time or money?" in home
    assert TimeEstimate.objects.filter(user=dev).exists()
