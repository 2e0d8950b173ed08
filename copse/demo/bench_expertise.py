"""Growing who knows what for benchmarks: expertise entries in the batch's
communities' topic areas and in subjects of members' own, and experience with
catalogue vendors shown in one of their communities (`copse bench-data`).

Rows are bulk-inserted, a few thousand to a statement; the services would
take minutes at this size. Never run it on a real site.
"""

from __future__ import annotations

import random

from django.db import transaction

from copse.communities.models import DEFAULT_TOPIC_AREAS
from copse.demo.bench_communities import BATCH, SUBJECTS
from copse.expertise import search_index
from copse.expertise.models import subject_slug

VENDORS = [f"Bench vendor {n:02d}" for n in range(1, 21)]
LEVELS = ("learning", "practising", "expert")
DURATIONS = ("under_1", "1_3", "3_5", "over_5")
RECOMMEND = ("yes", "caveats", "no")
# One entry in this many is experience with a vendor; the rest is expertise.
EXPERIENCE_SHARE = 5


def grow_expertise(*, communities, entries: int, seed: int = 1, progress=None) -> dict:
    """Add about `entries` entries for the active members of `communities`:
    one in EXPERIENCE_SHARE is experience with a vendor (each shown in one
    community of its person), the rest expertise in a topic area or a subject
    of their own. Each member gets at most one entry per subject and community
    and one per vendor, so a member count too small for `entries` gives fewer."""
    from copse.conversations.models import Tag
    from copse.expertise.models import Experience, ExperienceShown, Expertise
    from copse.memberships.models import Membership

    rng = random.Random(seed)
    say = progress or (lambda message: None)
    seats = list(
        Membership.objects.filter(
            community__in=communities, status="active", role__in=("member", "facilitator")
        )
        .order_by("pk")
        .values_list("user_id", "community_id")
    )
    if not seats or entries <= 0:
        return {"expertise": 0, "experience": 0}
    experience_target = entries // EXPERIENCE_SHARE
    expertise_target = entries - experience_target
    subjects = [(area, "", subject_slug(area)) for area in DEFAULT_TOPIC_AREAS] + [
        ("", s, subject_slug(s)) for s in SUBJECTS
    ]
    offsets = [rng.randrange(len(subjects)) for _ in seats]
    with transaction.atomic():
        vendors = [
            Tag.objects.get_or_create(
                community=None, slug=subject_slug(name), defaults={"name": name, "kind": "vendor"}
            )[0]
            for name in VENDORS
        ]
        made = 0
        rows = []
        # Round k gives each seat its k-th subject after its own offset: no
        # seat gets a subject twice.
        for k in range(len(subjects)):
            for (user_id, community_id), offset in zip(seats, offsets, strict=True):
                if made >= expertise_target:
                    break
                area, tag, slug = subjects[(offset + k) % len(subjects)]
                rows.append(
                    Expertise(
                        person_id=user_id,
                        community_id=community_id,
                        area=area,
                        tag=tag,
                        slug=slug,
                        level=rng.choice(LEVELS),
                        findable_elsewhere=rng.random() < 0.2,
                    )
                )
                made += 1
                if len(rows) >= BATCH:
                    Expertise.objects.bulk_create(rows)
                    rows = []
        Expertise.objects.bulk_create(rows)
        expertise = made
        say(f"{expertise:,} expertise entries")

        # One community per person shows their experience: the first seat's.
        where = {}
        for user_id, community_id in seats:
            where.setdefault(user_id, community_id)
        people = list(where)
        chosen: list[tuple[int, int]] = []
        for k in range(len(vendors)):
            for user_id in people:
                if len(chosen) >= experience_target:
                    break
                chosen.append((user_id, k))
        experience = 0
        for start in range(0, len(chosen), BATCH):
            part = chosen[start : start + BATCH]
            created = Experience.objects.bulk_create(
                Experience(
                    person_id=user_id,
                    tag=vendors[(k + user_id) % len(vendors)],
                    duration=rng.choice(DURATIONS),
                    purpose="Day-to-day operations",
                    recommend=rng.choice(RECOMMEND),
                    happy_to_be_asked=rng.random() < 0.5,
                )
                for user_id, k in part
            )
            ExperienceShown.objects.bulk_create(
                ExperienceShown(experience_id=e.pk, community_id=where[e.person_id])
                for e in created
            )
            experience += len(created)
        say(f"{experience:,} experience entries")
        # Bulk inserts send no signals.
        search_index.rebuild_all()
    return {"expertise": expertise, "experience": experience}
