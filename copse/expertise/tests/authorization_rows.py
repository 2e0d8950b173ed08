"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py).

The member's experience (its purpose) and expertise (a subject of their own)
carry the matrix's SECRET, so the matrix's leak check asserts that nobody who
does not sit in the community with them ever sees either: not on "who has
used X?", which every signed-in person may open, nor on the member's profile,
which a site admin may open.
"""

from copse.core.tests.authorization import READS, SEATED_POST, SECRET, SIGNED_IN


def _slug(ctx):
    return {"slug": "circle"}


def _expertise(ctx):
    return {"entry_id": ctx["expertise_id"]}


def _experience(ctx):
    return {"entry_id": ctx["experience_id"]}


#          an   nm   rq   iv   mb   dl   gp   fc   fm   sa
# The member's own entries: theirs alone; anyone else gets the page of a missing one.
OWNS = [302, 404, 404, 404, 200, 404, 404, 404, 404, 404]
OWNS_POST = [302, 404, 404, 404, 302, 404, 404, 404, 404, 404]

ROWS = {
    "expertise:community": (_slug, "get", "", None, READS),
    "expertise:who_has_used": (None, "get", "?tag=acme-carrier", None, SIGNED_IN),
    "expertise:mine": (None, "get", "", None, SIGNED_IN),
    # Only the seated may list expertise in the community; to anyone else
    # the community's id is that of a missing one.
    "expertise:add_expertise": (
        None,
        "post",
        "",
        lambda ctx: {
            "community": ctx["community_id"],
            f"c{ctx['community_id']}-area": "Metrics",
            f"c{ctx['community_id']}-level": "expert",
        },
        SEATED_POST,
    ),
    "expertise:edit_expertise": (_expertise, "get", "", None, OWNS),
    "expertise:remove_expertise": (_expertise, "post", "", None, OWNS_POST),
    "expertise:new_experience": (None, "get", "", None, SIGNED_IN),
    "expertise:edit_experience": (_experience, "get", "", None, OWNS),
    "expertise:remove_experience": (_experience, "post", "", None, OWNS_POST),
}


def build(community, people, ctx):
    """A catalogue vendor the member has used, shown in the community, and the
    member's expertise there."""
    from copse.conversations.models import Tag
    from copse.expertise.models import Experience, ExperienceShown, Expertise

    vendor = Tag.objects.create(
        community=None, name="Acme Carrier", slug="acme-carrier", kind="vendor"
    )
    experience = Experience.objects.create(
        person=people["member"],
        tag=vendor,
        duration="3_5",
        purpose=SECRET,
        recommend="caveats",
        recommend_note="Only with exit terms.",
        happy_to_be_asked=True,
    )
    ExperienceShown.objects.create(experience=experience, community=community)
    expertise = Expertise.objects.create(
        person=people["member"],
        community=community,
        tag=SECRET,
        slug="telecom-costs-are-out-of-control",
        level="expert",
        findable_elsewhere=True,
    )
    ctx["community_id"] = community.pk
    ctx["experience_id"] = experience.pk
    ctx["expertise_id"] = expertise.pk
