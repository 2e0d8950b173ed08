"""The demo's leave story, told as the people did it:

- Emma Walsh (Coho Winery) went on leave from the CIO CoP for the harvest and
  a family move; before she went she asked Maria, its facilitator, to let her
  IT manager Liam Byrne read for her. Maria invited Liam as Emma's delegate and
  he accepted. Emma sees that she is on leave and the button to come back;
  the audit log reads "Emma Walsh went on leave from the CIO CoP" and "Liam
  Byrne accepted an invitation and joined … as a delegate".

Through the services (the invitation's mail finds it used and is never sent),
so it is the newest news in the CIO CoP's audit log. Idempotent: nothing is done when Liam already
has a seat.
"""

from __future__ import annotations

from copse.demo.people import PACIFIC, Person

CIO = "sv-cio-cop"
ON_LEAVE = "emma.walsh@cohowinery.example"
FACILITATOR = "maria@northwind.example"
DELEGATE = Person(
    "liam.byrne@cohowinery.example",
    "Liam Byrne",
    "IT Manager",
    "Coho Winery",
    PACIFIC,
    "Keeps the winery's systems running; reading the CIO CoP while Emma is on leave.",
)


def load_leave(loader) -> None:
    from copse.communities.models import Community
    from copse.core.permissions import forget_standings
    from copse.mailing.models import CommunityDelivery
    from copse.memberships import services
    from copse.memberships.models import Membership

    community = Community.objects.filter(slug=CIO).first()
    if community is None or ON_LEAVE not in loader.people:
        return
    liam = loader.ensure_person(DELEGATE)
    if Membership.objects.filter(community=community, user=liam).exists():
        return
    emma = loader.people[ON_LEAVE]
    maria = loader.people[FACILITATOR]
    principal = Membership.objects.get(community=community, user=emma)
    if principal.status == Membership.Status.ACTIVE:
        services.set_on_leave(actor=emma, community=community, on_leave=True)
    forget_standings(maria)
    invitation = services.invite_delegate(
        actor=maria, community=community, email=liam.email, principal=principal
    )
    forget_standings(liam)
    services.accept_invitation(
        actor=liam, invitation=invitation, accepted_norms_version=community.norms_version
    )
    loader._count("memberships")
    # He reads the CIO CoP in a daily digest, as the demo's other members
    # chose how its mail reaches them (copse/demo/mail.py).
    CommunityDelivery.objects.get_or_create(
        user=liam, community=community, defaults={"mode": "daily"}
    )
    loader._count("mail choices")
