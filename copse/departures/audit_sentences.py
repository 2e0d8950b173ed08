"""How an account deletion reads in the audit log: the closed account's
name is "Former member", and the entry names nothing else of the person."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copse.audit.sentences import register

register(
    "account.deleted",
    _("The account of {actor} was deleted {via} ({content}; communities left: {communities_left})"),
    words={
        "content": {
            "remove": pgettext_lazy("audit: account deleted", "what they wrote removed"),
            "keep": pgettext_lazy("audit: account deleted", "what they wrote kept"),
        },
        "via": {
            "page": pgettext_lazy("audit: account deleted", "by its person"),
            "command": pgettext_lazy(
                "audit: account deleted", "by the site's operator at its person's request"
            ),
        },
    },
)
