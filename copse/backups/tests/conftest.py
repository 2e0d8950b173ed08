"""Sites in folders of their own, on SQLite, for backing up and restoring with
the real `copse` command in a process of its own, whichever database the
rest of the suite runs on."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def environment(var: Path, **extra) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COPSE_", "DJANGO_", "PYTEST", "PG")) and key != "DATABASE_URL"
    }
    env.update(
        COPSE_VAR_DIR=str(var),
        COPSE_DEBUG="0",
        COPSE_SECRET_KEY="backup-tests-key-" + "x" * 40,
        DJANGO_SETTINGS_MODULE="copse.settings",
        DATABASE_URL=f"sqlite:///{var / 'copse.sqlite3'}",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


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
