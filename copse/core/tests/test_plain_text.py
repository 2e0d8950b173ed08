"""Markdown turned into plain text for the places that do not render it."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from copse.core.markdown import plain_text

# Words a person types: letters and digits only, so any of Markdown's
# punctuation found in the output came from the syntax around them.
words = st.lists(
    st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,11}", fullmatch=True), min_size=1, max_size=6
)


def _inline(ws: list[str], style: str) -> str:
    text = " ".join(ws)
    return {
        "plain": text,
        "strong": f"**{text}**",
        "em": f"_{text}_",
        "strike": f"~~{text}~~",
        "code": f"`{text}`",
        "link": f"[{text}](https://example.org/{ws[0]})",
        "image": f"![{text}](https://example.org/{ws[0]}.png)",
    }[style]


inline_styles = st.sampled_from(["plain", "strong", "em", "strike", "code", "link", "image"])


def _block(ws: list[str], inline_style: str, block_style: str) -> str:
    line = _inline(ws, inline_style)
    return {
        "paragraph": line,
        "h1": f"# {line}",
        "h3": f"### {line} ###",
        "setext": f"{line}\n===",
        "quote": f"> {line}",
        "bullet": f"- {line}",
        "star_bullet": f"* {line}",
        "ordered": f"1. {line}",
        "fence": f"```python\n{' '.join(ws)}\n```",
        "table": f"| {ws[0]} | x |\n|---|---|\n| {line} | y |",
    }[block_style]


block_styles = st.sampled_from(
    [
        "paragraph",
        "h1",
        "h3",
        "setext",
        "quote",
        "bullet",
        "star_bullet",
        "ordered",
        "fence",
        "table",
    ]
)
blocks = st.lists(st.tuples(words, inline_styles, block_styles), min_size=1, max_size=6)

_SYNTAX = re.compile(r"[#*_~`\[\]()>|!=]|^\s*-|https?://")
# An ordered list's number is what a reader of the rendered list sees.
_NUMBER = re.compile(r"^\d+\. ")


def _source(parts) -> str:
    return "\n\n".join(_block(ws, inline, block) for ws, inline, block in parts)


@settings(max_examples=300, deadline=None)
@given(blocks)
def test_no_syntax_survives_and_no_word_is_dropped(parts):
    source = _source(parts)
    text = plain_text(source)
    for line in text.split("\n"):
        assert not _SYNTAX.search(line), (source, text)
    numbered = sum(block == "ordered" for _, _, block in parts)
    assert sum(bool(_NUMBER.match(line)) for line in text.split("\n")) == numbered, (source, text)
    expected = [w for ws, _, block in parts for w in ws]
    # Table headers repeat the first word; the order of everything typed holds.
    found = [w for w in text.split() if not re.fullmatch(r"\d+\.", w)]
    position = 0
    for word in expected:
        assert word in found[position:], (word, source, text)
        position = found.index(word, position) + 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_keeps_its_letters_and_never_fails(source):
    text = plain_text(source)
    assert isinstance(text, str)
    letters = [c for c in source if c.isalnum()]
    kept = [c for c in text if c.isalnum()]
    # Markdown syntax is punctuation; only URLs and fence info strings are
    # dropped, and this text has neither often enough to matter here.
    if "](" not in source and "```" not in source and "~~~" not in source and "<" not in source:
        assert len(kept) >= len(letters) - source.count("&") * 8, (source, text)


def test_the_meeting_record_that_showed_its_syntax():
    source = "## What we learned\n\n- **Audit** the carriers' bills\n- Ask [Maria](/people/maria/)"
    assert plain_text(source) == "What we learned\nAudit the carriers' bills\nAsk Maria"
    assert plain_text(source, one_line=True) == (
        "What we learned Audit the carriers' bills Ask Maria"
    )


def test_empty_and_blank():
    assert plain_text("") == ""
    assert plain_text("   \n\n ") == ""
    assert plain_text(None) == ""


def test_an_ordered_list_keeps_the_numbers_its_readers_see():
    assert plain_text("1. Stays here.\n2. Start on time.") == "1. Stays here.\n2. Start on time."
    assert plain_text("3. Ask early.") == "3. Ask early."
    assert plain_text("- one\n- two") == "one\ntwo"


def test_literal_punctuation_the_writer_typed_is_kept():
    # Not syntax: an asterisk between spaces, a hash inside a line.
    assert plain_text("2 * 3 = 6 and issue #4") == "2 * 3 = 6 and issue #4"
