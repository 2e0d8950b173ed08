"""The rules of who knows what in the permission core, and its queryset
helpers agreeing with `can()` for every pair of people."""

import pytest

from copse.accounts.models import User
from copse.core import permissions
from copse.expertise import services

#                 who sits in the CIO Circle: only they see its map and list expertise there
SEATED = {"asker", "expert", "replier", "facilitator", "delegate"}
OTHERS = {"guest", "former", "outsider", "other_facilitator", "site_admin", "designer", "ringer"}


@pytest.mark.parametrize("who", sorted(SEATED | OTHERS))
@pytest.mark.parametrize("action", ["community.view_knowledge_map", "community.show_expertise"])
def test_the_map_and_listing_expertise_are_for_the_seated(world, who, action):
    assert permissions.can(world[who], action, world["cio"]) is (who in SEATED)


def test_signed_out_nobody_sees_a_map(world):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can(AnonymousUser(), "community.view_knowledge_map", world["designers"])
    assert not permissions.can(None, "community.view_knowledge_map", world["cio"])


def test_an_entry_is_its_persons_alone_to_change(world):
    entry = services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="expert"
    )
    for who in SEATED | OTHERS:
        assert permissions.can(world[who], "expertise.edit", entry) is (who == "expert"), who
    world["expert"].is_active = False
    assert not permissions.can(world["expert"], "expertise.edit", entry)


def test_viewable_people_is_person_view_as_a_set(world):
    people = list(User.objects.all())
    for viewer in people:
        expected = {p.pk for p in people if permissions.can(viewer, "person.view", p)}
        got = set(
            User.objects.filter(permissions.viewable_people_q(viewer)).values_list("pk", flat=True)
        )
        assert got == expected, viewer.name
    from django.contrib.auth.models import AnonymousUser

    assert not User.objects.filter(permissions.viewable_people_q(AnonymousUser())).exists()


def test_shared_community_q_is_empty_for_people_seated_nowhere(world):
    from copse.expertise.models import Expertise

    services.declare_expertise(
        actor=world["expert"], community=world["cio"], area="Metrics", level="expert"
    )
    for who in ("outsider", "site_admin", "guest", "former"):
        q = permissions.shared_community_q(world[who])
        assert not Expertise.objects.filter(q).exists(), who
    assert Expertise.objects.filter(permissions.shared_community_q(world["asker"])).exists()
