from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "copse.library"
    label = "library"

    def ready(self) -> None:
        from copse.conversations import links
        from copse.library.search import LIBRARY
        from copse.meetings.signals import summary_published
        from copse.search.sources import register

        summary_published.connect(_file_meeting_record, dispatch_uid="library-meeting-record")
        # Posts link library items through conversations.links, which cannot import us.
        links.register(
            links.Linker(
                choices=_link_choices,
                check=_check_link,
                keep=_keep_link,
                on_page=_on_page,
            )
        )
        # The library's group on the search page (copse/search/sources.py).
        register(LIBRARY)


def _file_meeting_record(sender, meeting, actor, change_note, **kwargs):
    """A meeting's summary was published or corrected: its record in the library follows."""
    from copse.library.services import file_meeting_record

    file_meeting_record(meeting=meeting, actor=actor, change_note=change_note)


def _link_choices(user, community, also=None):
    from copse.library.selectors import link_choices

    return link_choices(user, community, also=also)


def _on_page(user, post_ids, files):
    from copse.library.selectors import library_for_page

    return library_for_page(user, post_ids, files)


def _check_link(*, actor, community, item_id):
    from copse.library.services import check_link

    return check_link(actor=actor, community=community, item_id=item_id)


def _keep_link(*, actor, post, item):
    from copse.library.services import keep_link

    keep_link(actor=actor, post=post, item=item)
