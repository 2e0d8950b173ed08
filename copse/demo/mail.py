"""Demo mail: members of the demo communities get a mix of delivery choices,
and the digests of the last week are queued, so that "Mail Copse sent you" shows a
newcomer what members receive.

Mail is only queued when the site sends to a file, the console or memory:
the demo's addresses are made up, and a real mail server would bounce them.
"""

from django.db import transaction

from copse.demo.communities import COMMUNITIES

# Who chose what, by login; everyone else keeps the default (daily digest).
CHOICES = {
    # The CIO facilitator reads everything as it arrives.
    "maria@northwind.example": {"sv-cio-cop": "every"},
    # A member who lives in email: every message from the CIO CoP.
    "dev@contoso.example": {"sv-cio-cop": "every"},
    "ana@fabrikam.example": {"sv-ao-cop": "weekly"},
    "lee@university.example": {"administrators-cop": "daily"},
}
# The rest of the members, by position in the member list: a realistic mix.
MIX = ["daily", "daily", "every", "weekly", "none", "daily"]


def load_mail_choices(loader) -> None:
    from copse.accounts.models import User
    from copse.communities.models import Community
    from copse.mailing.models import CommunityDelivery
    from copse.memberships.models import Membership

    communities = {c.slug: c for c in Community.objects.filter(slug__in=_slugs())}
    chosen = set(CommunityDelivery.objects.values_list("user_id", "community_id"))
    rows = []
    for email, choices in CHOICES.items():
        user = User.objects.filter(email=email).first()
        for slug, mode in choices.items():
            community = communities.get(slug)
            if user and community and (user.pk, community.pk) not in chosen:
                rows.append(CommunityDelivery(user=user, community=community, mode=mode))
                chosen.add((user.pk, community.pk))
    logins = set(CHOICES)
    for community in communities.values():
        seated = (
            Membership.objects.filter(community=community, status="active")
            .exclude(user__email__in=logins)
            .order_by("pk")
            .values_list("user_id", flat=True)
        )
        for n, user_id in enumerate(seated):
            if (user_id, community.pk) not in chosen:
                rows.append(
                    CommunityDelivery(user_id=user_id, community=community, mode=MIX[n % len(MIX)])
                )
                chosen.add((user_id, community.pk))
    CommunityDelivery.objects.bulk_create(rows)
    for _ in rows:
        loader._count("mail choices")
    from copse.mailing.outbound import delivers_locally

    if delivers_locally():
        transaction.on_commit(_queue_digests)


def _queue_digests() -> None:
    """The digests of the last week, as if Copse had been running."""
    import datetime as dt

    from django.utils import timezone

    from copse.mailing import digests, tasks

    now = timezone.now()
    queued = sum(digests.plan_digests(now=now - dt.timedelta(days=d)) for d in range(6, -1, -1))
    if queued:
        tasks.deliver_outbox.enqueue()


def _slugs():
    return [spec.slug for spec in COMMUNITIES]
