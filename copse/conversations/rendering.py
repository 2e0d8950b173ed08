"""Turning posts into HTML (Markdown with @mentions linked), quoting them, and
finding the handles a post mentions, for notifications.

Mentions become ordinary Markdown links before rendering, so the same
sanitizer (copse.core.markdown) sees everything. Links to other communities'
threads stay plain links: Copse never expands a pasted link into a title or
excerpt, so a confidential thread's words cannot leak through a preview.
"""

import re

from django.urls import reverse
from django.utils.translation import gettext as _

from copse.core.markdown import render_markdown, without_control_characters

MENTION = re.compile(r"(?<![\w@/\[])@([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\b")
FENCE = re.compile(r"^\s*(```|~~~)")


def _link_mentions(line: str) -> str:
    parts = re.split(r"(`[^`]*`)", line)
    for index, part in enumerate(parts):
        if part.startswith("`"):
            continue
        parts[index] = MENTION.sub(
            lambda m: f"[@{m.group(1)}]({reverse('people:profile', args=[m.group(1)])})", part
        )
    return "".join(parts)


def with_mention_links(body: str) -> str:
    lines, in_fence = [], False
    for line in (body or "").splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            lines.append(line)
        elif in_fence or line.startswith("    "):
            lines.append(line)
        else:
            lines.append(_link_mentions(line))
    return "\n".join(lines)


def render_post(body: str):
    return render_markdown(with_mention_links(body))


# Unlike MENTION, a handle someone linked by hand ("[@handle]") is mentioned too.
MENTIONED = re.compile(r"(?<![\w@/])@([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\b")


def mentioned_handles(body: str) -> set[str]:
    """@handles in a post, ignoring quoted lines and code."""
    handles: set[str] = set()
    in_fence = False
    for line in body.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = not in_fence
            continue
        if in_fence or stripped.startswith(">") or line.startswith("    "):
            continue
        line = re.sub(r"`[^`]*`", "", line)
        handles.update(m.group(1) for m in MENTIONED.finditer(line))
    return handles


def quote_of(post, passage: str | None = None) -> str:
    """Markdown that quotes `passage` (or the whole post) with attribution."""
    text = without_control_characters(passage or post.body).strip()
    name = post.author.name if post.author else (post.imported_author or _("A former member"))
    name = " ".join(without_control_characters(name).split()) or _("A member")
    name = re.sub(r"([\\`*_\[\]<>#])", r"\\\1", name)
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))
    # Translators: the first line of a quote put in the reply box, in Markdown.
    said = _("> **%(name)s** wrote (#%(position)s):") % {"name": name, "position": post.position}
    return f"{said}\n{quoted}\n\n"
