"""Extract the strings marked for translation into each app's French
catalogue, then compile every catalogue (`make messages`; docs/languages.md).

    python scripts/messages.py            every app and the project's own templates
    python scripts/messages.py library    one app (or several)

Each app keeps its catalogue in copse/<app>/locale/fr/LC_MESSAGES/django.po;
the templates and code outside any app (copse/templates, copse/*.py) keep
theirs in copse/locale. Tests are left out: they show nothing to a person.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "copse"
LANGUAGES = ["fr"]
# -P: an app folder holds modules (selectors.py) named like the standard library's.
DJANGO_ADMIN = [sys.executable, "-P", "-m", "django"]


def apps() -> list[str]:
    return sorted(
        path.name
        for path in PACKAGE.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name != "locale"
    )


def _run(args: list[str], cwd: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "copse.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run(args, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own arguments


def extract(where: Path, ignore: list[str]) -> None:
    (where / "locale").mkdir(exist_ok=True)
    languages = [arg for code in LANGUAGES for arg in ("-l", code)]
    ignored = [arg for pattern in ["tests", "*/tests", *ignore] for arg in ("--ignore", pattern)]
    for domain, extensions in (("django", ["html", "txt", "py"]),):
        _run(
            [
                *DJANGO_ADMIN,
                "makemessages",
                *languages,
                "-d",
                domain,
                *(arg for ext in extensions for arg in ("-e", ext)),
                *ignored,
                "--no-obsolete",
                "--no-location",
            ],
            where,
        )
    _tidy_header(where)


HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: Copse\\n"\n'
    '"Language: {language}\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: {plural}\\n"\n'
)


def _tidy_header(where: Path) -> None:
    """makemessages writes a template's header, marked fuzzy (which msgfmt
    leaves out, charset and all) and dated (which changes every run)."""
    for language in LANGUAGES:
        po = where / "locale" / language / "LC_MESSAGES" / "django.po"
        if not po.exists():
            continue
        text = po.read_text()
        head, _, entries = text.partition("\n\n")
        plural = re.search(r'"Plural-Forms: (.*?)\\n"', head)
        header = HEADER.format(
            language=language,
            plural=plural.group(1) if plural else "nplurals=2; plural=(n > 1);",
        )
        po.write_text(header + ("\n" + entries if entries else ""))


def catalogue(po: Path) -> dict[str, str]:
    """msgid (with its context and plural) to its first msgstr, fuzzy ones as ""."""
    entries: dict[str, str] = {}
    for block in po.read_text().split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
            else:
                key, _, rest = line.partition(" ")
                current = key
                fields[key] = rest[1:-1] if rest.startswith('"') else rest
        msgid = fields.get("msgid")
        if msgid:
            key = "\x04".join(
                filter(None, (fields.get("msgctxt"), msgid, fields.get("msgid_plural")))
            )
            translated = fields.get("msgstr", fields.get("msgstr[0]", ""))
            entries[key] = "" if fuzzy else translated
    return entries


def check(name: str) -> list[str]:
    """What is wrong with one app's catalogues: strings marked in its code but
    missing or untranslated in the catalogue, or a .mo older than its .po."""
    source = PACKAGE if name == "." else PACKAGE / name
    problems = []
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "copse" / ("" if name == "." else name)
        if name == ".":
            shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns(*apps(), "__pycache__"))
        else:
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
        extract(copy, ignore=[] if name != "." else [f"{app}/*" for app in apps()])
        for language in LANGUAGES:
            relative = Path("locale") / language / "LC_MESSAGES"
            fresh = copy / relative / "django.po"
            kept = source / relative / "django.po"
            wanted = catalogue(fresh) if fresh.exists() else {}
            have = catalogue(kept) if kept.exists() else {}
            for msgid in sorted(wanted):
                if msgid not in have:
                    problems.append(f"{name}: not in {kept.relative_to(ROOT)}: {msgid!r}")
                elif not have[msgid]:
                    problems.append(f"{name}: not translated into {language}: {msgid!r}")
            if kept.exists():
                mo = kept.with_suffix(".mo")
                compiled = Path(scratch) / f"{language}.mo"
                # GNU gettext's own compiler, found on the PATH as make messages finds it.
                subprocess.run(["msgfmt", "-o", compiled, kept], check=True)  # noqa: S603, S607
                if not mo.exists() or mo.read_bytes() != compiled.read_bytes():
                    problems.append(f"{name}: {mo.relative_to(ROOT)} is not compiled from its .po")
    return problems


def compile_(where: Path) -> None:
    _run([*DJANGO_ADMIN, "compilemessages"], where)


def main(names: list[str]) -> None:
    everything = apps()
    chosen = names or [*everything, "."]
    for name in chosen:
        if name == ".":
            extract(PACKAGE, ignore=[f"{app}/*" for app in everything])
            compile_(PACKAGE / "locale")
        else:
            if name not in everything:
                raise SystemExit(f"No app named {name!r}: one of {', '.join(everything)}, or '.'")
            extract(PACKAGE / name, ignore=[])
            compile_(PACKAGE / name)
        print(f"{name}: done")


if __name__ == "__main__":
    main(sys.argv[1:])
