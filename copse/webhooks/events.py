"""The events a webhook may be sent, by name. A name never changes once
receivers depend on it: add new ones, never rename."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    name: str
    label: str
    # What the event is about: a key of `payloads.KINDS`.
    kind: str


EVENTS = (
    Event("post.published", "A post is published (an opening post or a reply)", "post"),
    Event("post.edited", "A post is edited", "post"),
    Event("post.removed", "A reply is removed", "post"),
    Event("thread.created", "A thread is started", "thread"),
    Event("thread.removed", "A thread is removed", "thread"),
    Event("meeting.created", "A meeting is scheduled", "meeting"),
    Event("meeting.changed", "A meeting is changed", "meeting"),
    Event("meeting.cancelled", "A meeting is cancelled", "meeting"),
    Event("rsvp.answered", "Someone answers a meeting, or changes their answer", "rsvp"),
    Event("membership.started", "Someone takes a seat", "membership"),
    Event("membership.ended", "Someone leaves or is removed", "membership"),
    Event("membership.role_changed", "Someone's role changes", "membership"),
    Event("proposal.opened", "A proposal is put to the members", "proposal"),
    Event("proposal.closed", "A proposal closes (or is withdrawn)", "proposal"),
    Event("proposal.decided", "A facilitator decides a proposal that awaited them", "proposal"),
)

BY_NAME = {event.name: event for event in EVENTS}
CHOICES = [(event.name, event.label) for event in EVENTS]


def known(names) -> list[str]:
    """`names` that are events, in the catalogue's order, each once."""
    wanted = set(names)
    return [event.name for event in EVENTS if event.name in wanted]
