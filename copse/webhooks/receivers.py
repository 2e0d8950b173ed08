"""Listening to the signals of the apps below, which never import webhooks:
each event becomes `services.record_event`, with ids only."""

from __future__ import annotations

from copse.webhooks.services import record_event

# When a post's event happened, from the post itself: post_published is sent
# after the commit, which may come well after the post was written.
POST_MOMENTS = {
    "post.published": "created_at",
    "post.edited": "edited_at",
    "post.removed": "removed_at",
}


def _post(event):
    def receive(sender, post, **kwargs):
        at = getattr(post, POST_MOMENTS[event])
        record_event(event, object_id=post.pk, community_id=post.community_id, occurred_at=at)
        if event == "post.published" and post.position == 0:
            record_event(
                "thread.created",
                object_id=post.thread_id,
                community_id=post.community_id,
                occurred_at=at,
            )

    return receive


def _thread(event):
    def receive(sender, thread, **kwargs):
        record_event(
            event,
            object_id=thread.pk,
            community_id=thread.community_id,
            occurred_at=thread.removed_at,
        )

    return receive


def _meeting(event):
    def receive(sender, meeting, **kwargs):
        record_event(event, object_id=meeting.pk, community_id=meeting.community_id)

    return receive


def _rsvp(sender, rsvp, **kwargs):
    record_event("rsvp.answered", object_id=rsvp.pk, community_id=rsvp.meeting.community_id)


def _membership(event):
    def receive(sender, membership, **kwargs):
        record_event(event, object_id=membership.pk, community_id=membership.community_id)

    return receive


def _proposal(event):
    def receive(sender, proposal, **kwargs):
        record_event(event, object_id=proposal.pk, community_id=proposal.community_id)

    return receive


def connect() -> None:
    from copse.conversations import signals as conversations
    from copse.decisions import signals as decisions
    from copse.meetings import signals as meetings
    from copse.memberships import signals as memberships

    pairs = [
        (conversations.post_published, _post("post.published")),
        (conversations.post_edited, _post("post.edited")),
        (conversations.post_removed, _post("post.removed")),
        (conversations.thread_removed, _thread("thread.removed")),
        (meetings.meeting_created, _meeting("meeting.created")),
        (meetings.meeting_changed, _meeting("meeting.changed")),
        (meetings.meeting_cancelled, _meeting("meeting.cancelled")),
        (meetings.rsvp_answered, _rsvp),
        (memberships.membership_started, _membership("membership.started")),
        (memberships.membership_ended, _membership("membership.ended")),
        (memberships.membership_role_changed, _membership("membership.role_changed")),
        (decisions.proposal_opened, _proposal("proposal.opened")),
        (decisions.proposal_closed, _proposal("proposal.closed")),
        (decisions.proposal_decided, _proposal("proposal.decided")),
    ]
    for number, (signal, receiver) in enumerate(pairs):
        signal.connect(receiver, weak=False, dispatch_uid=f"webhooks-{number}")
