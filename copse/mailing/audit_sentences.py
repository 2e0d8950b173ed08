"""How mail actions read in the audit log."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copse.audit.sentences import register

register(
    "mail.content_level_changed",
    _("{actor} set what mail from the community carries: {content}"),
    words={
        "content": {
            "full": pgettext_lazy("audit: mail content", "the full text"),
            "titles": pgettext_lazy("audit: mail content", "titles and authors"),
            "link_only": pgettext_lazy("audit: mail content", "a link only"),
        }
    },
)
register("mail.archive_exported", _("{actor} exported the conversations as a mail archive"))
register(
    "mail.archive_imported",
    _("{actor} imported a mail archive (threads: {threads}; messages: {posts})"),
)
