"""Every word a template shows is marked for translation.

Each template is read with Django's own lexer. Template tags and variables are
set aside (what they print is translated where it is made), and so is the
text between `{% blocktranslate %}` and its end; what is left is parsed as
HTML, and any word in a text node or in an attribute a person reads
(`aria-label`, `title`, `alt`, `placeholder`, a button's `value`...) is an
unmarked string. Mail templates (`.txt`) are text throughout.

Templates not yet marked are listed in NOT_YET_MARKED. The list only
shrinks: a listed template that is now clean fails too, so that it is taken
off and stays clean.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for pattern in ("*/templates/**/*.html", "*/templates/**/*.txt", "templates/**/*.*")
    for path in ROOT.glob(pattern)
    if path.is_file()
)

# Attributes whose value a person reads or hears.
READ_ATTRIBUTES = {
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-placeholder",
    "aria-valuetext",
    "title",
    "alt",
    "placeholder",
    "label",
    "data-label",
    "data-confirm",
}
# Words that are the same in every language: the product's name and the
# names of formats and standards.
NAMES = {"Copse", "Markdown", "iCalendar", "ICS", "CSV", "JSON", "PDF", "RSS", "Atom", "OpenID"}
WORD = re.compile(r"[^\W\d_]{2,}")
# What stands in for a tag or a variable, so that text around one stays text.
HOLE = "\x00"


def _words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.replace(HOLE, " ")) if word not in NAMES]


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            if (
                value
                and (
                    name in READ_ATTRIBUTES
                    or (
                        name == "value"
                        and tag == "input"
                        and values.get("type") in ("submit", "button", "reset")
                    )
                    or (name == "content" and values.get("name") == "description")
                )
                and _words(value)
            ):
                self.found.append(f'{name}="{value.replace(HOLE, " ").strip()}"')

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden and _words(data):
            self.found.append(" ".join(data.replace(HOLE, " ").split()))


def _untranslated_text(source: str) -> str:
    """The template with every tag, variable, comment and translated block
    replaced by a hole."""
    kept = []
    skipping = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if skipping:
                if name == skipping:
                    skipping = None
            elif name in ("blocktranslate", "blocktrans"):
                skipping = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif name in ("comment", "verbatim"):
                skipping = "end" + name
            kept.append(HOLE)
        elif skipping:
            continue
        elif token.token_type == TokenType.TEXT:
            kept.append(token.contents)
        else:
            kept.append(HOLE)
    return "".join(kept)


def unmarked_strings(path: Path) -> list[str]:
    text = _untranslated_text(path.read_text())
    if path.suffix == ".txt":
        return [
            " ".join(line.replace(HOLE, " ").split()) for line in text.splitlines() if _words(line)
        ]
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    return parser.found


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


# Templates still to mark. Take a template off when it is marked; the test
# below fails for one that is listed but already clean.
NOT_YET_MARKED: set[str] = set()


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 200


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_template_shows_no_unmarked_string(path):
    found = unmarked_strings(path)
    if _name(path) in NOT_YET_MARKED:
        assert found, f"{_name(path)} is marked now: take it off NOT_YET_MARKED"
    else:
        assert not found, f"{_name(path)} shows strings not marked for translation: {found[:5]}"


def test_the_list_of_templates_to_mark_names_only_templates():
    assert {_name(path) for path in TEMPLATES} >= NOT_YET_MARKED


@pytest.mark.parametrize(
    ("source", "unmarked"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ("<p>{% translate 'Hello' %}</p>", []),
        ("<p>{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}</p>", []),
        ('<a aria-label="Close" href="{% url "x" %}">×</a>', ['aria-label="Close"']),
        ('<a aria-label="{% translate "Close" %}">×</a>', []),
        ('<input type="submit" value="Send">', ['value="Send"']),
        ('<input type="text" value="{{ form.x }}" name="q">', []),
        ("<script>let greeting = 'Hello';</script>", []),
        ("{% comment %}Hello{% endcomment %}<p>{{ name }} · 3</p>", []),
        ("<p>{{ count }} replies</p>", ["replies"]),
        ("<p>Copse</p>", []),
    ],
)
def test_the_check_finds_what_a_person_would_read(tmp_path, source, unmarked):
    template = tmp_path / "t.html"
    template.write_text(source)
    found = unmarked_strings(template)
    assert [" ".join(item.split()) for item in found] == unmarked
