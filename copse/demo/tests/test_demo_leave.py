"""The demo's leave story: Emma Walsh is on leave from the CIO CoP, her IT
manager reads for her as her delegate, and both steps read as sentences in
the CIO CoP's audit log."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from copse.accounts.models import User
from copse.demo import leave as story
from copse.memberships.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", stdout=StringIO())


def test_a_member_on_leave_has_named_a_delegate_and_sees_the_way_back(client, demo):
    emma = Membership.objects.get(community__slug=story.CIO, user__email=story.ON_LEAVE)
    assert emma.status == "on_leave"
    liam = Membership.objects.get(community__slug=story.CIO, user__email=story.DELEGATE.email)
    assert (liam.role, liam.status, liam.principal_id) == ("delegate", "active", emma.pk)
    assert liam.seated_by.email == story.FACILITATOR

    client.force_login(emma.user)
    home = client.get(reverse("communities:home", args=[story.CIO])).content.decode()
    assert "You are on leave from" in home and "Come back" in home

    client.force_login(User.objects.get(email=story.FACILITATOR))
    log = client.get(reverse("audit:community", args=[story.CIO])).content.decode()
    assert "Emma Walsh went on leave from" in log
    assert "Liam Byrne accepted an invitation and joined" in log and "as a delegate" in log


def test_loading_the_demo_again_tells_the_story_once(demo):
    call_command("demo", stdout=StringIO())
    assert Membership.objects.filter(user__email=story.DELEGATE.email).count() == 1
