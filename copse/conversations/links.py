"""A post's link to a library item, chosen on the new-thread and reply forms.

The library builds on conversations, so conversations never imports it. When
it starts, the library hands over what a post needs (`register`, from
`library.apps`): the items a person may link in a community, for the forms'
choices; a check of the chosen one, made with the post's other checks before
anything is written; and the write that keeps the link, inside the post's
transaction. Without it the forms have no such field and a post links
nothing. Who may read a linked item is the library's to show: the thread page
loads its template tags, as it does mailing's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Linker:
    # (user, community, also) -> [(item id, label)]: what the person may link
    # there, with the item `also` (an id, or None) when they may link it.
    choices: Callable
    # (*, actor, community, item_id) -> the item, or a UserFacingError saying why not.
    check: Callable
    # (*, actor, post, item) -> None, inside the post's transaction.
    keep: Callable
    # (user, post ids, {attachment id: community id}) -> what the library shows
    # under those posts and beside those files to that person, with a
    # `fingerprint()` of it for the thread page's cache key.
    on_page: Callable | None = None


_linker: Linker | None = None


def register(linker: Linker) -> None:
    global _linker
    _linker = linker


def linker() -> Linker | None:
    return _linker
