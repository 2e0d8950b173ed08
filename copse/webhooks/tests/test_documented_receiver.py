"""The verification example of docs/webhooks.md, run as written against
real deliveries: it accepts them, and refuses a tampered body, another
secret and a replay."""

import re
from pathlib import Path

import pytest

from copse.conversations import services as conversations
from copse.webhooks import services

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def _documented_verify():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    source = next(block for block in blocks if "def verify(" in block)
    namespace: dict = {}
    exec(compile(source, str(DOC), "exec"), namespace)
    return namespace["verify"]


def test_the_documented_check_accepts_copses_deliveries_and_nothing_else(
    circle, receiver, django_capture_on_commit_callbacks
):
    verify = _documented_verify()
    community, facilitator, member = circle
    hook, secret = services.create_webhook(
        actor=facilitator,
        community=community,
        target_url=receiver.url(),
        events=["post.published"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="T", body="B"
        )
    request = receiver.received[0]
    header = request.headers["Copse-Signature"]
    assert verify(secret, header, request.body)
    assert not verify(secret, header, request.body.replace(b'"B"', b'"C"'))
    assert not verify("whsec_someone-else", header, request.body)
    timestamp = int(header.split(",")[0][2:])
    assert not verify(secret, header, request.body, now=timestamp + 301)
    assert verify(secret, header, request.body, now=timestamp + 299)
    # After a rotation, either secret passes while both sign.
    new = services.rotate_secret(actor=facilitator, hook=hook)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.start_thread(
            actor=member, community=community, kind="discussion", title="U", body="C"
        )
    request = receiver.received[1]
    assert verify(new, request.headers["Copse-Signature"], request.body)
    assert verify(secret, request.headers["Copse-Signature"], request.body)
