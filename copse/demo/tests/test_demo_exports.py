"""The demo's exports: Maria asked for everything the CIO CoP holds and Dev
for his own data; a worker makes both. Maria's holds the telecom story and
the year of meetings; Dev's holds what he wrote and nobody else's address."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command

from copse.exports import building
from copse.exports.models import Export

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_folder(settings, tmp_path):
    settings.COPSE_EXPORT_DIR = tmp_path / "exports"


def _made(export: Export) -> zipfile.ZipFile:
    assert building.build(export.pk) == "ready"
    export.refresh_from_db()
    return zipfile.ZipFile(io.BytesIO(building.path_of(export).read_bytes()))


def test_maria_and_dev_asked_once_and_a_worker_makes_both():
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    cio = Export.objects.get(kind="community")
    assert (cio.requested_by.email, cio.community.slug, cio.status) == (
        "maria@northwind.example",
        "sv-cio-cop",
        "queued",
    )
    own = Export.objects.get(kind="personal")
    assert own.requested_by.email == "dev@contoso.example"

    archive = _made(cio)
    threads = json.loads(archive.read("threads.json"))["threads"]
    assert any("telecom" in t["title"].lower() for t in threads)
    meetings = json.loads(archive.read("meetings.json"))["meetings"]
    assert len(meetings) >= 12
    assert archive.read("meetings.ics").startswith(b"BEGIN:VCALENDAR")
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["missing_files"] == []
    assert manifest["counts"]["files"] > 0

    mine = _made(own)
    everything = b"".join(mine.read(name) for name in mine.namelist())
    assert b"dev@contoso.example" in everything
    assert b"maria@northwind.example" not in everything
    assert b"ana@fabrikam.example" not in everything
