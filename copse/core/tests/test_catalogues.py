"""Every string marked for translation has its French, and every compiled
catalogue is compiled from its source (scripts/messages.py; docs/languages.md).

Each app's strings are extracted afresh into a scratch copy, the way
`make messages` extracts them, and compared with the catalogue kept in the
app: a string marked but not translated fails here, not in front of a reader.
"""

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messages)

GETTEXT = all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msgfmt"))


@pytest.fixture(autouse=True)
def _gettext_tools():
    if not GETTEXT:
        pytest.fail("The catalogue checks need GNU gettext (apt-get install gettext).")


@pytest.mark.parametrize("app", [*messages.apps(), "."])
def test_every_marked_string_is_translated(app):
    assert messages.check(app) == []


def test_a_string_marked_but_not_translated_is_found(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        messages.HEADER.format(language="fr", plural="nplurals=2; plural=(n > 1);")
        + '\nmsgid "Save"\nmsgstr "Enregistrer"\n'
        + '\n#, fuzzy\nmsgid "Send"\nmsgstr "Envoyer"\n'
        + '\nmsgid "Leave"\nmsgstr ""\n'
    )
    assert messages.catalogue(po) == {"Save": "Enregistrer", "Send": "", "Leave": ""}


def test_no_string_has_two_french_translations():
    """Django merges every app's catalogue into one, the first app in
    INSTALLED_APPS winning: a string translated one way in one app and
    another way in the next would show the first app's French in both. A
    string whose French depends on where it stands carries a context
    (`pgettext`, `{% translate "…" context "…" %}`) and is then a string of
    its own (docs/languages.md, "Words that mean two things")."""
    catalogues = sorted((ROOT / "copse").glob("*/locale/fr/LC_MESSAGES/django.po"))
    catalogues.append(ROOT / "copse" / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    translations: dict[str, dict[str, str]] = {}
    for po in catalogues:
        app = po.relative_to(ROOT / "copse").parts[0]
        for msgid, french in messages.catalogue(po).items():
            translations.setdefault(msgid, {})[app] = french
    conflicts = {
        msgid.replace("\x04", " | "): by_app
        for msgid, by_app in translations.items()
        if len(set(by_app.values())) > 1
    }
    assert conflicts == {}
