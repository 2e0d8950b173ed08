"""How moderation of conversations reads in the audit log."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import Ref, register

THREAD = Ref(
    "conversations.Thread",
    key="thread",
    permission="thread.read",
    hidden=_("a thread"),
    name=lambda thread: f"“{thread.title}”",
)
# A community another entry names by its slug (where a thread moved).
COMMUNITY_TO = Ref(
    "communities.Community",
    key="to",
    permission="community.view",
    hidden=_("another community"),
    name=lambda community: community.name,
    field="slug",
    related=(),
)
COMMUNITY_FROM = Ref(
    "communities.Community",
    key="source",
    permission="community.view",
    hidden=_("another community"),
    name=lambda community: community.name,
    field="slug",
    related=(),
)
# The catalogues a facilitator keeps (a tag's kind, never "topic").
CATALOGUES = {
    "vendor": _("vendors"),
    "product": _("products"),
    "technology": _("technologies"),
}

register("conversation.pinned", _("{actor} pinned {thread}"), thread=THREAD)
register("conversation.unpinned", _("{actor} unpinned {thread}"), thread=THREAD)
register("conversation.locked", _("{actor} locked {thread}"), thread=THREAD)
register("conversation.unlocked", _("{actor} unlocked {thread}"), thread=THREAD)
register(
    "conversation.post_removed",
    _("{actor} removed a reply by {subject} in {thread} (reason: {reason})"),
    thread=THREAD,
)
register(
    "conversation.thread_removed",
    _("{actor} removed {thread} by {subject} (reason: {reason})"),
    thread=THREAD,
)
register(
    "conversation.moved_out", _("{actor} moved {thread} to {to}"), thread=THREAD, to=COMMUNITY_TO
)
register(
    "conversation.moved_in",
    _("{actor} moved {thread} here from {source}"),
    thread=THREAD,
    source=COMMUNITY_FROM,
)
register(
    "catalogue.entry_saved",
    _("{actor} added {name} to the catalogue of {kind}"),
    words={"kind": CATALOGUES},
)
