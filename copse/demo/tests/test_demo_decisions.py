"""The demo has an open proposal in each demo community, answered by some
members (a block with its answer in the CIO CoP), and loading twice adds none."""

from io import StringIO

import pytest
from django.core.management import call_command

from copse.decisions.models import Position, PositionReply, Proposal
from copse.demo.tests.test_demo import SLUGS

pytestmark = pytest.mark.django_db


def test_each_demo_community_has_an_open_proposal_waiting_for_answers():
    call_command("demo", stdout=StringIO())
    open_in = set(Proposal.objects.filter(status="open").values_list("community__slug", flat=True))
    assert open_in == SLUGS
    block = Position.objects.get(proposal__community__slug="sv-cio-cop", stance="block")
    assert block.reason
    assert PositionReply.objects.filter(position=block).exists()
    call_command("demo", stdout=StringIO())
    assert Proposal.objects.count() == len(SLUGS)
