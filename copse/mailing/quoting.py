"""What a person wrote in a mail reply, without what their mail program added:
quoted text, "On … wrote:" lines, Outlook's copy of the original, signatures
and "Sent from my iPhone"; and HTML mail turned into plain text.

`trim` keeps a quote that sits between two pieces of the person's own text
(an interleaved answer needs its question; Markdown shows it as a block
quote) and drops quotes before the first and after the last of them. The
author can always see the whole message as it arrived.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SIGNATURE = re.compile(r"^--\s?$")
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_MOBILE = re.compile(
    r"^\s*(sent from my \S+|sent from (mail|outlook) for \S+|sent from outlook\b|"
    r"get outlook for \S+|envoyé de mon \S+|von meinem \S+ gesendet)",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(from|von|de|van)\s*:\*?\s", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\*?(sent|date|gesendet|envoyé|datum)\s*:", re.IGNORECASE)
_HEADER_TO = re.compile(r"^\s*\*?(to|subject|an|betreff|à|objet|cc)\s*:", re.IGNORECASE)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_ATTRIBUTION_START = re.compile(r"^\s*(on|le|am|el|il|op|em)\s", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(
    r"(wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu)\s*:\s*$", re.IGNORECASE
)
_QUOTE = re.compile(r"^\s*>")


def _is_quote(line: str) -> bool:
    return bool(_QUOTE.match(line))


def _attribution_end(lines: list[str], i: int) -> int | None:
    """The index of the last line of an "On … wrote:" starting at `i` (mail
    programs wrap it over up to three lines), or None."""
    if not _ATTRIBUTION_START.match(lines[i]):
        return None
    for j in range(i, min(i + 3, len(lines))):
        if j > i and (not lines[j].strip() or _is_quote(lines[j])):
            return None
        if _ATTRIBUTION_END.search(lines[j]):
            return j
    return None


def _outlook_header_at(lines: list[str], i: int) -> bool:
    """From: … Sent: … To:/Subject: …, the header of the original that
    Outlook puts under a reply, possibly under a line of underscores."""
    start = i
    if _RULE.match(lines[i]):
        start = next((j for j in range(i + 1, min(i + 3, len(lines))) if lines[j].strip()), None)
        if start is None:
            return False
    if not _HEADER_FROM.match(lines[start]):
        return False
    following = lines[start + 1 : start + 6]
    return any(_HEADER_SENT.match(line) for line in following) and any(
        _HEADER_TO.match(line) for line in following
    )


def _next_content(lines: list[str], i: int) -> int | None:
    return next((j for j in range(i, len(lines)) if lines[j].strip()), None)


def _classify(lines: list[str]) -> tuple[list[str], int]:
    """Each line as "text", "quote" (quoted, or the attribution of a quote)
    or "blank"; and where the message ends (the first cut marker)."""
    kinds: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_quote(line):
            kinds.append("quote")
            i += 1
            continue
        if not line.strip():
            kinds.append("blank")
            i += 1
            continue
        if (
            _SIGNATURE.match(line)
            or _ORIGINAL.match(line)
            or _MOBILE.match(line)
            or _outlook_header_at(lines, i)
        ):
            return kinds, i
        end = _attribution_end(lines, i)
        if end is not None:
            following = _next_content(lines, end + 1)
            if following is None or not _is_quote(lines[following]):
                # Quoted without ">" (as many programs do in HTML): the rest is the original.
                return kinds, i
            kinds.extend(["quote"] * (end - i + 1))
            i = end + 1
            continue
        kinds.append("text")
        i += 1
    return kinds, len(lines)


def trim(text: str) -> str:
    """The person's own words from a plain-text mail body; empty when they
    wrote nothing of their own."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kinds, end = _classify(lines)
    lines = lines[:end]
    own = [i for i, kind in enumerate(kinds) if kind == "text"]
    if not own:
        return ""
    kept = lines[own[0] : own[-1] + 1]
    return "\n".join(line.rstrip() for line in kept)


# --- HTML ------------------------------------------------------------------------

_BLOCKS = {
    "address", "article", "aside", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre",
    "section", "table", "tr", "ul",
}  # fmt: skip
_SKIPPED = {"head", "script", "style", "template", "title", "noscript", "svg", "object"}


class _TextMaker(HTMLParser):
    """Collects the visible text of an HTML body, line by line, with a "> "
    prefix per level of <blockquote> so that `trim` recognises quotes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth = 0
        self.skipping = 0
        self.in_pre = 0
        self.link: str | None = None

    def _flush(self, force: bool = False) -> None:
        text = "".join(self.current)
        if not self.in_pre:
            text = " ".join(text.split())
        if text or force:
            self.lines.append("> " * self.depth + text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "blockquote":
            self._flush()
            self.depth += 1
        elif tag == "br":
            self._flush(force=True)
        elif tag in _BLOCKS:
            self._flush()
            if tag == "pre":
                self.in_pre += 1
            if tag == "li":
                self.current.append("- ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.link = href if href.startswith(("http://", "https://", "mailto:")) else None
            self.link_text_start = len(self.current)

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "blockquote":
            self._flush()
            self.depth = max(0, self.depth - 1)
        elif tag in _BLOCKS:
            self._flush()
            if tag == "pre":
                self.in_pre = max(0, self.in_pre - 1)
        elif tag == "a" and self.link:
            shown = "".join(self.current[self.link_text_start :]).strip()
            if shown and shown != self.link and shown != self.link.removeprefix("mailto:"):
                self.current.append(f" <{self.link}>")
            self.link = None

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def text(self) -> str:
        self._flush()
        lines: list[str] = []
        for line in self.lines:
            if line.strip() or (lines and lines[-1].strip()):
                lines.append(line)
        return "\n".join(lines).strip("\n")


def html_to_text(html: str) -> str:
    """The readable text of an HTML mail body. Nothing of the markup survives:
    the result is plain text, later rendered as Markdown with raw HTML off."""
    maker = _TextMaker()
    try:
        maker.feed(html)
        maker.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        pass
    return maker.text()
