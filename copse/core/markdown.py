"""Turning members' Markdown into HTML that is safe to show to other members.

markdown-it-py renders with raw HTML disabled; nh3 (ammonia) then keeps only
an allowlist of tags, attributes and URL schemes, and marks every link
rel="nofollow noopener ugc". Both layers are needed: the renderer alone lets
`javascript:` through in some link forms, the sanitizer alone would keep
Markdown-made markup that we do not want.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    html = _renderer.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above


_CONTROL = {c: None for c in range(32) if c not in (9, 10)} | {127: None}


def without_control_characters(text: str) -> str:
    """Drop C0 control characters (but tab and newline) that no one types on
    purpose: they confuse line splitting, mail headers and search highlights."""
    return (text or "").replace("\r\n", "\n").translate(_CONTROL)


# Blocks whose end starts a new line in plain text; table cells are kept
# apart by a space so that two cells never run into one word.
_BLOCK_ENDS = {
    "paragraph_close",
    "heading_close",
    "list_item_close",
    "blockquote_close",
    "tr_close",
    "hr",
}
_CELL_ENDS = {"th_close", "td_close"}


def plain_text(source: str, *, one_line: bool = False) -> str:
    """The words of a Markdown text without its syntax.

    For every place that shows Markdown without rendering it: excerpts,
    search passages, mail subjects, calendar descriptions, diffs. It parses
    with the same renderer as `render_markdown`, so what counts as syntax is
    the same in both; it keeps every word (link text, image alt text, code)
    and drops only what Markdown put there (`#`, `**`, `[..](..)`, `>`,
    bullets, fences). An ordered list keeps its numbers, as a reader of the
    rendered page sees them ("2. Start on time."): norms are referred to by
    them. Blocks end in a newline, or a space when `one_line`.
    """
    source = without_control_characters(source)
    if not source.strip():
        return ""
    parts: list[str] = []
    # For each open list, the next item's number (None for a bullet list).
    lists: list[int | None] = []
    for token in _renderer.parse(source):
        if token.type == "ordered_list_open":
            lists.append(int(token.attrGet("start") or 1))
        elif token.type == "bullet_list_open":
            lists.append(None)
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif token.type == "list_item_open" and lists and lists[-1] is not None:
            parts.append(f"{lists[-1]}. ")
            lists[-1] += 1
        elif token.type == "inline":
            parts.extend(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content.rstrip("\n"))
            parts.append("\n")
        elif token.type in _BLOCK_ENDS:
            parts.append("\n")
        elif token.type in _CELL_ENDS:
            parts.append(" ")
    text = "".join(parts)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    kept = [line for line in lines if line]
    return (" " if one_line else "\n").join(kept)


def _inline_text(children) -> list[str]:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "image":
            out.extend(_inline_text(child.children or []))
    return out
