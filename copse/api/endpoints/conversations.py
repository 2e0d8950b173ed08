"""Threads, posts, asks and helpful marks."""

import datetime as dt

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from copse.api.schemas import COMMON_ERRORS, WRITE_ERRORS, Input, PersonOut, person
from copse.communities.selectors import community_by_slug_for
from copse.conversations import selectors, services
from copse.conversations.models import Post, Thread
from copse.core import permissions

router = Router(tags=["conversations"])


class ThreadOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    author: PersonOut | None
    created_at: dt.datetime
    last_activity_at: dt.datetime
    reply_count: int
    pinned: bool
    locked: bool
    ask_state: str
    tags: list[str]
    url: str


class ThreadPage(Schema):
    items: list[ThreadOut]
    next: str | None


class PostOut(Schema):
    id: int
    thread: int
    position: int
    author: PersonOut | None
    body: str
    html: str
    created_at: dt.datetime
    edited_at: dt.datetime | None
    removed: bool
    helpful: bool


class PostPage(Schema):
    items: list[PostOut]
    next: str | None


class NewThread(Input):
    kind: Thread.Kind = Thread.Kind.DISCUSSION
    title: str = Field(max_length=200)
    body: str = Field(max_length=100_000)
    tags: list[str] = Field(default_factory=list, max_length=20)


class NewReply(Input):
    body: str = Field(max_length=100_000)


class PostChange(Input):
    body: str = Field(max_length=100_000)


class HelpfulMark(Input):
    helpful: bool = True


def _thread(thread: Thread, tags=None) -> dict:
    return {
        "id": thread.pk,
        "community": thread.community.slug,
        "kind": thread.kind,
        "title": thread.title,
        "author": person(thread.author),
        "created_at": thread.created_at,
        "last_activity_at": thread.last_activity_at,
        "reply_count": thread.reply_count,
        "pinned": thread.pinned,
        "locked": thread.locked,
        "ask_state": thread.ask_state,
        "tags": [tag.name for tag in (tags if tags is not None else thread.tags.all())],
        "url": thread.get_absolute_url(),
    }


def _post(post: Post) -> dict:
    removed = post.removed_at is not None
    return {
        "id": post.pk,
        "thread": post.thread_id,
        "position": post.position,
        "author": person(post.author),
        # A removed post keeps its place in the thread, not its words.
        "body": "" if removed else post.body,
        "html": "" if removed else post.body_html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "removed": removed,
        "helpful": post.helpful,
    }


def _readable_thread(viewer, thread_id: int) -> Thread:
    thread = selectors.thread_by_id_for(viewer, thread_id)
    if thread is None:
        raise Http404
    return thread


@router.get(
    "communities/{slug}/threads",
    response={200: ThreadPage, **COMMON_ERRORS},
    summary="A community's threads, pinned first, then by last activity",
)
def list_threads(
    request,
    slug: str,
    after: str | None = None,
    kind: str = "",
    tag: str = "",
    unanswered: bool = False,
    mine: bool = False,
):
    viewer = request.auth
    community = community_by_slug_for(viewer, slug, "community.read")
    filters = selectors.ThreadFilters.from_query(
        {
            "kind": kind,
            "tag": tag,
            "unanswered": "1" if unanswered else "",
            "mine": "1" if mine else "",
        }
    )
    page = selectors.threads_for(viewer, community, filters, after=after)
    return {"items": [_thread(thread) for thread in page.items], "next": page.next_cursor}


@router.post(
    "communities/{slug}/threads",
    response={201: ThreadOut, **WRITE_ERRORS},
    summary="Start a thread: a discussion, an ask or (facilitators) an announcement",
)
def start_thread(request, slug: str, new: NewThread):
    viewer = request.auth
    community = community_by_slug_for(viewer, slug, "community.read")
    thread = services.start_thread(
        actor=viewer,
        community=community,
        kind=new.kind,
        title=new.title,
        body=new.body,
        tag_names=new.tags,
    )
    return Status(201, _thread(thread))


@router.get("threads/{thread_id}", response={200: ThreadOut, **COMMON_ERRORS}, summary="A thread")
def read_thread(request, thread_id: int):
    return _thread(_readable_thread(request.auth, thread_id))


@router.get(
    "threads/{thread_id}/posts",
    response={200: PostPage, **COMMON_ERRORS},
    summary="A thread's posts in order; `after` is the position of the last one you have",
)
def list_posts(request, thread_id: int, after: int | None = None):
    viewer = request.auth
    thread = _readable_thread(viewer, thread_id)
    if after is not None and not -1 <= after <= 2**31:
        after = None
    page = selectors.posts_page(viewer, thread, after=after)
    posts = ([page.extra["opening"]] if "opening" in page.extra else []) + page.items
    if after is not None:
        posts = [post for post in posts if post.position > after]
    return {"items": [_post(post) for post in posts], "next": page.next_cursor}


@router.post(
    "threads/{thread_id}/posts",
    response={201: PostOut, **WRITE_ERRORS},
    summary="Reply to a thread",
)
def reply(request, thread_id: int, new: NewReply):
    viewer = request.auth
    thread = _readable_thread(viewer, thread_id)
    return Status(201, _post(services.post_reply(actor=viewer, thread=thread, body=new.body)))


def _readable_post(viewer, post_id: int) -> Post:
    post = selectors.post_by_id_for(viewer, post_id)
    if post is None:
        raise Http404
    return post


@router.get("posts/{post_id}", response={200: PostOut, **COMMON_ERRORS}, summary="A post")
def read_post(request, post_id: int):
    return _post(_readable_post(request.auth, post_id))


@router.patch("posts/{post_id}", response={200: PostOut, **WRITE_ERRORS}, summary="Edit your post")
def edit_post(request, post_id: int, change: PostChange):
    viewer = request.auth
    post = _readable_post(viewer, post_id)
    return _post(services.edit_post(actor=viewer, post=post, body=change.body))


@router.post(
    "posts/{post_id}/helpful",
    response={200: PostOut, **WRITE_ERRORS},
    summary="Mark a reply to your ask helpful, or take the mark back",
)
def mark_helpful(request, post_id: int, mark: HelpfulMark):
    viewer = request.auth
    post = _readable_post(viewer, post_id)
    if not permissions.can(viewer, "thread.read", post.thread):
        raise Http404
    return _post(services.mark_helpful(actor=viewer, post=post, helpful=mark.helpful))
