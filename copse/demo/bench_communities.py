"""Growing a database for benchmarks: people, organisations, communities and
their memberships, waiting requests and invitations (`copse bench-data`).

Each call adds a new, separately named batch, so a database can be grown
again and again. Rows are bulk-inserted: the services would take minutes at
this size and send mail. Never run it on a real site.
"""

import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

BATCH = 2_000

# fmt: off
FIRST_NAMES = [
    "Ada", "Ben", "Chloé", "Dev", "Elif", "Femi", "Grace", "Hana", "Ines", "Jack", "Kofi", "Lena",
    "Maria", "Noah", "Olu", "Priya", "Quinn", "Ravi", "Sofia", "Tomás", "Uma", "Victor", "Wen",
    "Xavier", "Yuki", "Zara",
]
LAST_NAMES = [
    "Adeyemi", "Berg", "Carter", "Dubois", "Evans", "Fischer", "García", "Haddad", "Iyer", "Jensen",
    "Kim", "Lopez", "Mensah", "Nair", "Ortega", "Patel", "Quist", "Rossi", "Silva", "Tanaka",
    "Usman", "Varga", "Walsh", "Xu", "Yilmaz", "Zhou",
]
# fmt: on
JOB_TITLES = (
    "Chief Information Officer",
    "Director of Applications",
    "Director of IT Operations",
    "Administrative Assistant",
    "Instructional Designer",
    "Head of Infrastructure",
    "Learning Technologist",
)
SUBJECTS = (
    "Cloud Operations",
    "Service Desk",
    "Data Platforms",
    "Security Leadership",
    "Learning Design",
    "Committee Support",
    "ERP",
    "Networks",
    "Analytics",
    "Procurement",
)
TIME_ZONES = ("America/Los_Angeles", "America/New_York", "Europe/London", "Asia/Tokyo", "UTC")
NORMS = (
    "1. What is said here stays here.\n2. Ask early, answer when you can.\n"
    "3. Everyone speaks; we leave room for quieter voices."
)


def _batch_number() -> int:
    """The first batch number not used by an earlier run."""
    from copse.communities.models import Community

    number = 1
    while Community.objects.filter(slug=f"bench{number}-big").exists():
        number += 1
    return number


def grow(
    *,
    community_count: int = 1_000,
    person_count: int = 10_000,
    organisation_count: int = 200,
    big_community_members: int = 1_000,
    seed: int = 1,
    progress=None,
) -> dict:
    """Add one batch of benchmark data: `community_count` communities, the first of
    them with `big_community_members` members and the others 3 to 25. Returns
    the figures, with the big community's slug and the email of one of its members."""
    from copse.accounts.identity import display_name_skeleton
    from copse.accounts.models import User
    from copse.communities.models import Community
    from copse.memberships.models import Invitation, JoinRequest, Membership
    from copse.norms.models import NormsVersion
    from copse.organisations.models import Organisation

    rng = random.Random(seed)
    say = progress or (lambda message: None)
    number = _batch_number()
    prefix = f"bench{number}"
    # Unusable passwords: benchmarks sign people in with force_login.
    password = make_password(None)

    if big_community_members + 25 > person_count:
        raise ValueError("There must be more people than the big community's members.")
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Bench {prefix} organisation {n}") for n in range(organisation_count)
        )
        people = []
        for start in range(0, person_count, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, person_count)):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n}"
                rows.append(
                    User(
                        email=f"{prefix}-{n}@bench.example",
                        display_name=name,
                        display_name_key=display_name_skeleton(name),
                        handle=f"{prefix}-{n}",
                        job_title=rng.choice(JOB_TITLES),
                        organisation=rng.choice(organisations),
                        organisation_source="admin",
                        time_zone=rng.choice(TIME_ZONES),
                        password=password,
                    )
                )
            people.extend(User.objects.bulk_create(rows))
        say(f"{len(people):,} people")

        # Who sits where, decided before the communities exist so each row is
        # created with its member count already right.
        big_members = people[:big_community_members]
        seats: list[list] = [big_members]
        for _ in range(community_count - 1):
            seats.append(rng.sample(people, rng.randint(3, 25)))
        communities = []
        for n, members in enumerate(seats):
            subject = rng.choice(SUBJECTS)
            if n == 0:
                # The one the benchmarks open: members-only, so reading it takes a seat.
                name, slug = f"{subject} community {prefix}: the big one", f"{prefix}-big"
                visibility, join_policy, listed = "members", "request", True
            else:
                name, slug = f"{subject} community {prefix}-{n:05d}", f"{prefix}-{n}"
                visibility = rng.choice(("open", "members", "confidential"))
                join_policy = rng.choice(("open", "request", "invitation"))
                listed = rng.random() < 0.9
            communities.append(
                Community(
                    name=name,
                    slug=slug,
                    purpose=f"Peers in {subject.lower()} who meet to learn from each other.",
                    goals="- Share what works.\n- Ask each other before buying.",
                    visibility=visibility,
                    listed=listed,
                    join_policy=join_policy,
                    eligibility="Practitioners",
                    meeting_cadence=rng.choice(("Monthly", "Every other month", "Quarterly")),
                    norms_version=1,
                    member_count=len(members),
                )
            )
        communities = Community.objects.bulk_create(communities, batch_size=BATCH)
        NormsVersion.objects.bulk_create(
            (NormsVersion(community=c, number=1, body=NORMS) for c in communities),
            batch_size=BATCH,
        )
        memberships = []
        for community, members in zip(communities, seats, strict=True):
            facilitators = 2 if community.slug.endswith("-big") else 1
            memberships.extend(
                Membership(
                    community=community,
                    user=person,
                    organisation_id=person.organisation_id,
                    role="facilitator" if i < facilitators else "member",
                    norms_accepted=1,
                )
                for i, person in enumerate(members)
            )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        say(f"{len(communities):,} communities, {len(memberships):,} memberships")

        big = communities[0]
        # People past the first thousand are not in the big community: they ask to join.
        outsiders = people[big_community_members : big_community_members + 25]
        JoinRequest.objects.bulk_create(
            JoinRequest(community=big, user=person, note="I would like to join.")
            for person in outsiders
        )
        Invitation.objects.bulk_create(
            Invitation(community=big, email=f"{prefix}-invited-{n}@bench.example")
            for n in range(10)
        )
    return {
        "batch": number,
        "organisations": len(organisations),
        "people": len(people),
        "communities": len(communities),
        "memberships": len(memberships),
        "big_community": big.slug,
        "big_community_member": big_members[-1].email,
        "big_community_facilitator": big_members[0].email,
    }
