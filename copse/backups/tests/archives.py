"""Reading and rewriting backup archives in tests, to tamper with them as an
attacker or a bad disk would."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path


def read(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}


def write(target: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(target, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def manifest(files: dict[str, bytes]) -> dict:
    return json.loads(files["manifest.json"])


def with_manifest(files: dict[str, bytes], changed: dict) -> dict[str, bytes]:
    return {**files, "manifest.json": json.dumps(changed).encode()}
