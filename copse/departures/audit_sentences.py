"""How an account deletion reads in the audit log: the closed account's
name is "Former member", and the entry names nothing else of the person."""

from copse.audit.sentences import register

register(
    "account.deleted",
    "{actor} deleted their account ({content}; left {communities_left} communities)",
    words={"content": {"remove": "what they wrote removed", "keep": "what they wrote kept"}},
)
