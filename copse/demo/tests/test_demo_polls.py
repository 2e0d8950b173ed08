"""The demo's date poll: the A/O CoP's next side meeting, open, with answers."""

from io import StringIO

import pytest
from django.core.management import call_command

from copse.accounts.models import User
from copse.decisions.models import DateAnswer, DatePoll
from copse.demo import polls

pytestmark = pytest.mark.django_db


def test_the_ao_cop_is_finding_a_time_for_its_next_side_meeting(client):
    call_command("demo", stdout=StringIO())
    poll = DatePoll.objects.get(community__slug="sv-ao-cop", title=polls.TITLE)
    assert (poll.status, poll.purpose, poll.options.count()) == ("open", "side_meeting", 3)
    answered = set(
        DateAnswer.objects.filter(option__poll=poll).values_list("user__email", flat=True)
    )
    assert answered == set(polls.ANSWERS)
    # A second load adds nothing.
    call_command("demo", stdout=StringIO())
    assert DatePoll.objects.filter(title=polls.TITLE).count() == 1
    assert DateAnswer.objects.filter(option__poll=poll).count() == 3 * len(polls.ANSWERS)
    # A member who has not answered yet is asked, and sees it on the decisions page.
    client.force_login(User.objects.get(email="elif.yilmaz@adventure-works.example"))
    page = client.get("/c/sv-ao-cop/decisions/").content.decode()
    assert polls.TITLE in page and "Waiting for your answer" in page
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "(best time)" in page
