"""The size limit on uploaded files, enforced while the request is received.

Django's own handlers keep a whole file (in memory, or in a temporary file)
before any view can look at its size, so a 4 GB upload would fill the disk
before a form could refuse it. `LimitedUploadHandler` runs first of
`FILE_UPLOAD_HANDLERS`: once any one file passes COPSE_UPLOAD_MAX_BYTES it
stops the parse (`StopUpload`), so no later byte is kept anywhere. The rest
of the body is still read and thrown away, which lets the server answer with
a page rather than a reset connection. Fields before the file (a form's
text, the CSRF token) are parsed already; the files are not.

The view asks `refusal(request)` and shows the message beside its file field.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

from copse.core.files import human_size

_REFUSAL = "_copse_upload_refusal"


class LimitedUploadHandler(FileUploadHandler):
    """Passes every chunk on to the next handler until a file is too large."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        limit = settings.COPSE_UPLOAD_MAX_BYTES
        if self.received > limit:
            if self.request is not None:
                setattr(
                    self.request,
                    _REFUSAL,
                    _("“%(name)s” is larger than %(size)s, the most one file may be.")
                    % {"name": self.file_name, "size": human_size(limit)},
                )
            # Not a reset connection: the rest of the body is read and
            # dropped, so the person gets the form back with the message.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        # The file itself is kept by the handlers after this one.
        return None


def refusal(request) -> str:
    """Why the request's files were not received ("" when they were)."""
    if request.method == "POST":
        # Reading POST runs the parse (and the handler), if nothing has yet.
        request.POST  # noqa: B018
    return getattr(request, _REFUSAL, "")
