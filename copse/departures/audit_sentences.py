"""How an account deletion reads in the audit log: the closed account's
name is "Former member", and the entry names nothing else of the person."""

from copse.audit.sentences import register

register(
    "account.deleted",
    "The account of {actor} was deleted {via} ({content}; left {communities_left} communities)",
    words={
        "content": {"remove": "what they wrote removed", "keep": "what they wrote kept"},
        "via": {
            "page": "by its person",
            "command": "by the site's operator at its person's request",
        },
    },
)
