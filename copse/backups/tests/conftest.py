"""Sites in folders of their own, on SQLite, for backing up and restoring with
the real `copse` command in a process of its own, whichever database the
rest of the suite runs on."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from copse.testing import site_environment

ROOT = Path(settings.BASE_DIR)


environment = site_environment


@dataclass
class Site:
    var: Path
    env: dict[str, str]

    @property
    def database(self) -> Path:
        return self.var / "copse.sqlite3"

    @property
    def uploads(self) -> Path:
        return self.var / "uploads"

    def copse(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "copse.cli", *args],
            env=self.env,
            cwd=ROOT,
            timeout=timeout,
            capture_output=True,
            text=True,
        )

    def shell(self, code: str) -> str:
        result = self.copse("shell", "-c", code)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def sql(self, query: str, *params):
        with sqlite3.connect(self.database, timeout=30) as connection:
            return connection.execute(query, params).fetchall()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated SQLite database, copied for each site (migrating takes seconds)."""
    var = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [sys.executable, "-m", "copse.cli", "migrate", "--noinput", "-v", "0"],
        env=environment(var),
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    return var / "copse.sqlite3"


def make_site(var: Path, database: Path) -> Site:
    """A site in the new folder `var`, starting from a copy of `database`."""
    var.mkdir()
    shutil.copy(database, var / "copse.sqlite3")
    return Site(var=var, env=environment(var))


@pytest.fixture
def new_site(tmp_path, migrated_sqlite):
    """Make a fresh, migrated site: `new_site("name")`."""
    return lambda name: make_site(tmp_path / name, migrated_sqlite)
