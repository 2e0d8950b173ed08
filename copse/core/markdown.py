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
