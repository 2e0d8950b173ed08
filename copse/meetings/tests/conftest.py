import datetime as dt

import pytest
from django.utils import timezone

from copse import testing
from copse.meetings import services


@pytest.fixture
def circle(db):
    """A members-only community with a facilitator, four members from three
    organisations and a delegate for the first member."""
    community = testing.make_community(slug="cio", name="CIO Circle", visibility="members")
    orgs = [testing.make_organisation(n) for n in ("Contoso", "Fabrikam", "Northwind")]
    facilitator = testing.make_user("fay@example.com", name="Fay", organisation=orgs[0])
    testing.seat(community, facilitator, role="facilitator")
    members = [
        testing.make_user(f"m{i}@example.com", name=f"Member {i}", organisation=orgs[i % 3])
        for i in range(4)
    ]
    memberships = [testing.seat(community, m) for m in members]
    delegate = testing.make_user("dee@example.com", name="Dee Delegate", organisation=orgs[0])
    testing.seat(community, delegate, role="delegate", principal=memberships[0])
    return {
        "community": community,
        "facilitator": facilitator,
        "members": members,
        "delegate": delegate,
        "orgs": orgs,
    }


def make_meeting(circle, *, days_ahead=14, capacity=None, **fields):
    start = (timezone.now() + dt.timedelta(days=days_ahead)).replace(microsecond=0)
    defaults = {
        "title": "Monthly meeting",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=4),
        "time_zone": "America/Los_Angeles",
        "address": "1 Infinite Loop",
    }
    defaults.update(fields)
    meeting = services.create_meeting(
        actor=circle["facilitator"], community=circle["community"], capacity=capacity, **defaults
    )
    return meeting


@pytest.fixture
def meeting(circle):
    return make_meeting(circle)
