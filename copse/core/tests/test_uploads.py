"""The upload size limit, enforced while a request is received: a file past
COPSE_UPLOAD_MAX_BYTES is never kept, the fields before it are, and the view
learns why (copse.core.uploads)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings

from copse.core import uploads
from copse.core.tests.full_disk import files_under


def _request(*parts):
    return RequestFactory().post("/upload/", dict(parts))


@override_settings(COPSE_UPLOAD_MAX_BYTES=100_000)
def test_files_within_the_limit_pass_whole():
    data = b"x" * 100_000
    request = _request(("body", "typed"), ("files", [SimpleUploadedFile("a.txt", data)]))
    assert uploads.refusal(request) == ""
    assert request.POST["body"] == "typed"
    assert request.FILES["files"].read() == data


@override_settings(COPSE_UPLOAD_MAX_BYTES=100_000, FILE_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_a_file_past_the_limit_stops_the_upload_and_leaves_no_temporary_file(tmp_path):
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        request = _request(
            ("body", "typed before the files"),
            (
                "files",
                [
                    SimpleUploadedFile("small.txt", b"fits"),
                    SimpleUploadedFile("huge.txt", b"y" * 1_000_000),
                ],
            ),
            ("after", "sent after the files"),
        )
        message = uploads.refusal(request)
        assert message == "“huge.txt” is larger than 100 kB, the most one file may be."
        # What came before the file is read; the file and all after it are not.
        assert request.POST["body"] == "typed before the files"
        assert "after" not in request.POST
        assert [f.name for f in request.FILES.getlist("files")] == ["small.txt"]
        # Only the small file is kept (the request still holds it); nothing of the huge one.
        assert [(tmp_path / name).stat().st_size for name in files_under(tmp_path)] == [4]
        request.FILES["files"].close()
        assert files_under(tmp_path) == set()


@override_settings(COPSE_UPLOAD_MAX_BYTES=10)
def test_a_request_without_files_is_never_refused():
    request = RequestFactory().post("/form/", {"body": "a long text " * 100})
    assert uploads.refusal(request) == ""
    assert uploads.refusal(RequestFactory().get("/page/")) == ""


def test_the_handler_runs_first():
    from django.conf import settings

    assert settings.FILE_UPLOAD_HANDLERS[0] == "copse.core.uploads.LimitedUploadHandler"
