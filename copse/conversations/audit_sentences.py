"""How moderation of conversations reads in the audit log."""

from copse.audit.sentences import Ref, register

THREAD = Ref(
    "conversations.Thread",
    key="thread",
    permission="thread.read",
    hidden="a thread",
    name=lambda thread: f"“{thread.title}”",
)
# A community another entry names by its slug (where a thread moved).
COMMUNITY_TO = Ref(
    "communities.Community",
    key="to",
    permission="community.view",
    hidden="another community",
    name=lambda community: community.name,
    field="slug",
    related=(),
)
COMMUNITY_FROM = Ref(
    "communities.Community",
    key="source",
    permission="community.view",
    hidden="another community",
    name=lambda community: community.name,
    field="slug",
    related=(),
)

register("conversation.pinned", "{actor} pinned {thread}", thread=THREAD)
register("conversation.unpinned", "{actor} unpinned {thread}", thread=THREAD)
register("conversation.locked", "{actor} locked {thread}", thread=THREAD)
register("conversation.unlocked", "{actor} unlocked {thread}", thread=THREAD)
register(
    "conversation.post_removed",
    "{actor} removed a reply by {subject} in {thread} (reason: {reason})",
    thread=THREAD,
)
register(
    "conversation.thread_removed",
    "{actor} removed {thread} by {subject} (reason: {reason})",
    thread=THREAD,
)
register("conversation.moved_out", "{actor} moved {thread} to {to}", thread=THREAD, to=COMMUNITY_TO)
register(
    "conversation.moved_in",
    "{actor} moved {thread} here from {source}",
    thread=THREAD,
    source=COMMUNITY_FROM,
)
register("catalogue.entry_saved", "{actor} added {name} to the catalogue of {kind}s")
