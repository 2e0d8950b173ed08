"""This app's rows in the authorization matrix (see copse/core/tests/authorization.py)."""

from copse.core.tests.authorization import (
    EVERYONE_200,
    FACILITATES,
    PROGRAMME,
    SIGNED_IN,
)

#                   an   nm   rq   iv   mb   dl   gp   fc   fm   sa
AUTHOR_ONLY = [302, 404, 404, 404, 200, 404, 404, 404, 404, 404]
# The link mailed back to the From address of a held message: its owner, or
# whoever is signed out (the link proves the mailbox); any other account is refused.
HELD_OWNER = [200, 403, 403, 403, 200, 403, 403, 403, 403, 403]


def _community(ctx):
    return {"slug": "circle"}


ROWS = {
    "mailing:preferences": (None, "get", "", None, SIGNED_IN),
    # The link in the member's mail is the credential, as with invitations.
    "mailing:unsubscribe": (
        lambda ctx: {"token": ctx["unsubscribe_token"]},
        "get",
        "",
        None,
        EVERYONE_200,
    ),
    "mailing:outbox": (None, "get", "", None, PROGRAMME),
    "mailing:sent": (None, "get", "", None, SIGNED_IN),
    # The member's own copy of a post: theirs alone, site admins included.
    "mailing:sent_message": (
        lambda ctx: {"pk": ctx["sent_to_member_id"]},
        "get",
        "",
        None,
        AUTHOR_ONLY,
    ),
    "mailing:content_policy": (_community, "get", "", None, FACILITATES),
    # Inbound mail. The member wrote the opening post by mail: only they see the original.
    "mailing:original": (
        lambda ctx: {"inbound_id": ctx["inbound_id"]},
        "get",
        "",
        None,
        AUTHOR_ONLY,
    ),
    # A subscribe link for a confidential community (none is ever sent) works for nobody.
    "mailing:subscribe": (
        lambda ctx: {"token": ctx["subscribe_token"]},
        "get",
        "",
        None,
        [400] * 10,
    ),
    "mailing:clear_bounce": (None, "post", "", None, [302] * 10),
    "mailing:confirm_held": (
        lambda ctx: {"token": ctx["held_token"]},
        "get",
        "",
        None,
        HELD_OWNER,
    ),
    # The whole archive in one file: facilitators; site admins read no
    # confidential content, so they may not export it either.
    "mailing:export_archive": (_community, "get", "", None, FACILITATES),
}


def build(community, people, ctx):
    from copse.mailing import tokens
    from copse.mailing.models import InboundMessage

    ctx["inbound_id"] = InboundMessage.objects.create(
        message_id="<matrix@example.com>",
        sender=people["member"].email,
        recipient="circle@example.com",
        outcome=InboundMessage.Outcome.POSTED,
        post_id=ctx["opening_post_id"],
        user=people["member"],
        raw="From: member@example.com\nSubject: x\n\nWho has switched carriers?\n",
    ).pk
    ctx["subscribe_token"] = tokens.subscribe_token(
        community_id=community.pk, email=people["non_member"].email
    )

    from django.utils import timezone

    from copse.mailing.models import OutgoingMessage

    ctx["sent_to_member_id"] = OutgoingMessage.objects.create(
        recipient=people["member"],
        kind=OutgoingMessage.Kind.POST,
        community=community,
        post_id=ctx["opening_post_id"],
        state=OutgoingMessage.State.SENT,
        next_attempt_at=timezone.now(),
        sent_at=timezone.now(),
    ).pk
    ctx["unsubscribe_token"] = tokens.unsubscribe_token(
        user_id=people["member"].pk, community_id=community.pk, version=1
    )

    from copse.mailing import inbound
    from copse.mailing.models import HeldMessage

    held = InboundMessage.objects.create(
        message_id="<matrix-held@example.com>",
        sender=people["member"].email,
        recipient="circle@example.com",
        outcome=InboundMessage.Outcome.HELD,
        user=people["member"],
    )
    ctx["held_token"] = "matrix-held-token"
    HeldMessage.objects.create(
        inbound=held,
        user=people["member"],
        community=community,
        token_hash=inbound._token_hash(ctx["held_token"]),
        raw=b"From: member@example.com\nSubject: Held words\n\nHeld.\n",
    )
