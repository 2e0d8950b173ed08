"""The posts of a thread page, rendered from a cache.

A page of posts is the same for everyone who stands alike towards it, until
one of its posts changes. So the page keeps two things in the per-process
"template_fragments" cache:

- its outline, the same for every viewer: which posts it shows, their files,
  the thread's tags and the ask's figures, and the last position on it (what
  reading it marks read). Keyed by the thread and its `version`, which every
  write that changes a post bumps (`services.touch_thread`), and by where
  the page starts.
- its rendering, keyed by the same and by everything that decides what the
  viewer may see or do on it: who they are (their own posts carry "Edit" and
  "Original email"), their standing in the community, each per-person
  permission the posts' controls ask, how far they have read (the "New"
  badges), and what the library shows them under these posts (asked on every
  view, as its readers change with sharing and seats elsewhere).

The forms in the rendering carry a stand-in for the CSRF token, and each
post a mark where "New" goes: both are put right on every view, so a cached
rendering never holds one person's token, and reading on does not redo it.

See "Thread pages from a cache" in docs/decisions.md.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field

from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from copse.conversations import links, selectors
from copse.conversations.models import Thread, page_cursor
from copse.core import permissions

# Long enough to serve every reader of a busy thread, short enough that what
# no version tracks (a renamed author, a newly verified organisation) shows
# soon after.
KEEP_SECONDS = 600
# Random for each process (the cache is the process's own): text a member
# types cannot spell it, so no post can have a viewer's token put into it.
CSRF_STAND_IN = f"csrf-stand-in-{secrets.token_hex(16)}"


NEW_MARK = re.compile(r"<!--copse-new:(\d+)-->")
NEW_BADGE = '<p class="post__new"><span class="badge">{}</span></p>'


def _mark_new(html: str, read_position: int | None) -> str:
    """The "New" badge on each post after the viewer's read position."""

    shown = format_html(NEW_BADGE, gettext("New"))

    def badge(match) -> str:
        new = read_position is not None and int(match.group(1)) > read_position
        return shown if new else ""

    return NEW_MARK.sub(badge, html)


def _cache():
    return caches["template_fragments"]


def page_start(thread: Thread, *, after: int | None, last: bool) -> int:
    """The first position after the opening post that a page shows."""
    if last:
        start = page_cursor(thread.last_position)
        return 0 if start is None else start + 1
    return (after + 1) if after is not None else 0


@dataclass
class Outline:
    """What a page of posts holds, the same for every viewer."""

    seen: int | None  # the last position on the page
    lowest: int  # the first position shown (0 when the question is)
    shown_post_ids: list = field(default_factory=list)  # not removed
    files: dict = field(default_factory=dict)  # attachment id -> its post's community id
    tags: list = field(default_factory=list)  # (name, url)
    ask_stats: selectors.AskStats | None = None


class ShownPage:
    """One page of a thread's posts, as the view shows it to one viewer."""

    def __init__(self, thread: Thread, *, after: int | None = None, last: bool = False):
        self.thread = thread
        self.start = page_start(thread, after=after, last=last)
        self._page = None
        self.outline = self._outline()

    @property
    def seen(self) -> int | None:
        return self.outline.seen

    @property
    def tags(self) -> list:
        return self.outline.tags

    @property
    def ask_stats(self):
        return self.outline.ask_stats

    def _key(self, *parts) -> str:
        thread = self.thread
        return "thread-posts:" + ":".join(
            # created_at: a database restored or rebuilt may reuse an id and a version.
            str(part)
            for part in (
                thread.pk,
                thread.created_at.timestamp(),
                thread.version,
                self.start,
                # What the page says around the posts is in the reader's language.
                translation.get_language(),
                *parts,
            )
        )

    def page(self):
        if self._page is None:
            self._page = selectors.posts_page(None, self.thread, after=self.start - 1)
        return self._page

    def _outline(self) -> Outline:
        key = self._key("outline")
        outline = _cache().get(key)
        if outline is None:
            outline = self._read_outline()
            _cache().set(key, outline, KEEP_SECONDS)
        return outline

    def _read_outline(self) -> Outline:
        page = self.page()
        shown = ([page.extra["opening"]] if "opening" in page.extra else []) + page.items
        kept = [post for post in shown if post.removed_at is None]
        thread = self.thread
        return Outline(
            seen=page.items[-1].position if page.items else None,
            lowest=shown[0].position if shown else 0,
            shown_post_ids=[post.pk for post in kept],
            files={a.pk: post.community_id for post in kept for a in post.attachments.all()},
            tags=[(tag.name, tag.get_absolute_url()) for tag in thread.tags.all()],
            ask_stats=selectors.ask_stats(thread) if thread.is_ask else None,
        )

    def _library(self, user):
        linker = links.linker()
        if linker is None or linker.on_page is None:
            return None
        return linker.on_page(user, self.outline.shown_post_ids, self.outline.files)

    def _viewer_key(self, user, context: dict, library) -> str:
        standing = permissions.standing(user, self.thread.community)
        membership = standing.membership
        parts = (
            getattr(user, "pk", None),
            getattr(user, "is_superuser", False),
            getattr(user, "is_staff", False),
            membership.pk if membership else None,
            membership.role if membership else None,
            membership.status if membership else None,
            context["can_reply"],
            context["can_moderate"],
            context["is_asker"],
            context["may_contribute"],
            self.thread.community_id,
            self.thread.community.slug,
            self.thread.locked,
            self.thread.removed_at,
            library.fingerprint() if library is not None else None,
        )
        return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()

    def render(self, request, context: dict) -> str:
        """The posts, pagers and all, as HTML for this viewer."""
        user = request.user
        library = self._library(user)
        key = self._key(self._viewer_key(user, context, library))
        html = _cache().get(key)
        if html is None:
            html = self._render(context, user, library)
            _cache().set(key, html, KEEP_SECONDS)
        html = html.replace(CSRF_STAND_IN, get_token(request))
        # Rendered by the template engine, which escaped it; the token is alphanumeric.
        return mark_safe(_mark_new(html, context["read_position"]))  # noqa: S308

    def _render(self, context: dict, user, library) -> str:
        page = self.page()
        return render_to_string(
            "conversations/_thread_posts.html",
            {
                **context,
                "page": page,
                "user": user,
                "library": library,
                "csrf_token": CSRF_STAND_IN,
                # "New" is marked on every view (`_mark_new`), as reading moves on.
                "new_marks": True,
                # The posts on the page, the question first when the page starts later.
                "shown_posts": ([page.extra["opening"]] if "opening" in page.extra else [])
                + page.items,
                # A quote keeps the reader on this page (`after` of its first post).
                "page_after": (
                    page.items[0].position - 1 if page.items and page.items[0].position else None
                ),
            },
        )
