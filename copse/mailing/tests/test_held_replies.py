"""A spoofed answer to a thread written while its community was confidential
is held after the community opens: the thread is still for members only."""

from copse import testing
from copse.mailing import addresses
from copse.mailing.tests import test_held, test_inbound

world = test_inbound.world
trusted_mx = test_inbound.trusted_mx


def test_a_spoofed_answer_to_an_old_members_only_thread_is_held_after_the_community_opens(
    world,
):
    testing.members_open_up(world["secret"], world["fay"], visibility="open")
    opening = world["secret_thread"].posts.get(position=0)
    row, _ = test_held._spoof(world, In_Reply_To=f"<copse.post.{opening.pk}@{addresses.domain()}>")
    assert row.outcome == "held" and test_held._nothing_posted()
