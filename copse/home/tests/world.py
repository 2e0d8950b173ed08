"""A person seated in several communities, each with something of every kind
Home gathers: built through the services, as people would."""

import datetime as dt

from django.utils import timezone

from copse import testing
from copse.conversations import services as conversations
from copse.decisions import services as decisions
from copse.home.models import HomeVisit
from copse.meetings.models import Meeting
from copse.memberships.models import Invitation, JoinRequest
from copse.norms.services import publish_norms
from copse.pulses.models import Pulse
from copse.topics import services as topics


class HomeWorld:
    """`viewer` facilitates the first community and is a member of the
    others, Olly facilitates all of them; in each, Olly starts an ask and a topic, replies to the viewer's
    thread and proposes something; a meeting is coming and a pulse is open.
    The first community's norms changed since the viewer accepted them."""

    def __init__(self, communities: int = 1, *, visibility: str = "confidential"):
        self.viewer = testing.make_user("mona@example.com", name="Mona Member")
        self.olly = testing.make_user(name="Olly Other")
        self.communities = []
        for n in range(communities):
            community = testing.make_community(
                name=f"Circle {n}", slug=f"circle-{n}", visibility=visibility
            )
            testing.seat(community, self.viewer, role="facilitator" if n == 0 else "member")
            testing.seat(community, self.olly, role="facilitator")
            self.fill(community, n)
            self.communities.append(community)
        # Olly, a co-facilitator, changes the first community's norms: the
        # viewer has not accepted them yet.
        publish_norms(
            actor=self.olly,
            community=self.communities[0],
            body="We keep confidences.\nBe on time.",
            change_note="First version.",
        )
        self.communities[0].refresh_from_db()
        # The viewer's last visit was yesterday; everything above is newer.
        HomeVisit.objects.create(
            user=self.viewer,
            previous_visit_at=timezone.now() - dt.timedelta(days=1),
            last_visit_at=timezone.now() - dt.timedelta(hours=2),
        )

    def fill(self, community, n: int) -> None:
        conversations.start_thread(
            actor=self.olly,
            community=community,
            kind="ask",
            title=f"Who has moved carriers? ({n})",
            body="We pay too much.",
            tag_names=[],
        )
        mine = conversations.start_thread(
            actor=self.viewer,
            community=community,
            kind="discussion",
            title=f"Sharing our onboarding checklist ({n})",
            body="Here it is.",
            tag_names=[],
        )
        conversations.post_reply(actor=self.olly, thread=mine, body="Thank you, we will try it.")
        topics.nominate(
            actor=self.olly,
            community=community,
            title=f"Vendor contracts ({n})",
            why="Renewals are coming.",
            area="Technology",
        )
        starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=7 + n)
        Meeting.objects.create(
            community=community,
            title=f"Spring gathering ({n})",
            time_zone="Europe/London",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=3),
        )
        decisions.create_proposal(
            actor=self.olly,
            community=community,
            title=f"Meet quarterly in person ({n})",
            body="Monthly online, quarterly in person.",
            deadline=timezone.now() + dt.timedelta(days=3),
        )
        today = timezone.localdate()
        Pulse.objects.create(
            community=community, opens_on=today, closes_on=today + dt.timedelta(days=14)
        )
        JoinRequest.objects.create(
            community=community, user=testing.make_user(), note="Please let me in."
        )
        Invitation.objects.create(
            community=community, email=f"newcomer{n}@example.com", invited_by=self.olly
        )
