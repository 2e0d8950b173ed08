"""How mail actions read in the audit log."""

from copse.audit.sentences import register

register(
    "mail.content_level_changed",
    "{actor} set what mail from the community carries: {content}",
    words={
        "content": {
            "full": "the full text",
            "titles": "titles and authors",
            "link_only": "a link only",
        }
    },
)
register("mail.archive_exported", "{actor} exported the conversations as a mail archive")
register(
    "mail.archive_imported",
    "{actor} imported a mail archive: {threads} threads, {posts} messages",
)
