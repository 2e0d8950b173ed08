from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "copse.library"
    label = "library"

    def ready(self) -> None:
        from copse.library.search import LIBRARY
        from copse.meetings.signals import summary_published
        from copse.search.sources import register

        summary_published.connect(_file_meeting_record, dispatch_uid="library-meeting-record")
        # The library's group on the search page (copse/search/sources.py).
        register(LIBRARY)


def _file_meeting_record(sender, meeting, actor, change_note, **kwargs):
    """A meeting's summary was published or corrected: its record in the library follows."""
    from copse.library.services import file_meeting_record

    file_meeting_record(meeting=meeting, actor=actor, change_note=change_note)
