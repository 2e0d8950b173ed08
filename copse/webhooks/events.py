"""The events a webhook may be sent, by name. A name never changes once
receivers depend on it: add new ones, never rename."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    name: str
    label: str
    # What the event is about: a key of `payloads.KINDS`.
    kind: str


EVENTS = (
    Event("post.published", _("A post is published (an opening post or a reply)"), "post"),
    Event("post.edited", _("A post is edited"), "post"),
    Event("post.removed", _("A reply is removed"), "post"),
    Event("thread.created", _("A thread is started"), "thread"),
    Event("thread.removed", _("A thread is removed"), "thread"),
    Event("meeting.created", _("A meeting is scheduled"), "meeting"),
    Event("meeting.changed", _("A meeting is changed"), "meeting"),
    Event("meeting.cancelled", _("A meeting is cancelled"), "meeting"),
    Event("rsvp.answered", _("Someone answers a meeting, or changes their answer"), "rsvp"),
    Event("membership.started", _("Someone takes a seat"), "membership"),
    Event("membership.ended", _("Someone leaves or is removed"), "membership"),
    Event("membership.role_changed", _("Someone's role changes"), "membership"),
    Event("proposal.opened", _("A proposal is put to the members"), "proposal"),
    Event("proposal.closed", _("A proposal closes (or is withdrawn)"), "proposal"),
    Event("proposal.decided", _("A facilitator decides a proposal that awaited them"), "proposal"),
)

BY_NAME = {event.name: event for event in EVENTS}
CHOICES = [(event.name, event.label) for event in EVENTS]


def known(names) -> list[str]:
    """`names` that are events, in the catalogue's order, each once."""
    wanted = set(names)
    return [event.name for event in EVENTS if event.name in wanted]
