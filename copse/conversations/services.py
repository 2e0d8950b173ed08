"""Every change to conversations: one function per user action.

Each checks permission first through copse.core.permissions, writes in one
transaction, keeps the search index in step, and enqueues notifications after
commit (they re-check permission when created and when shown).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from copse.audit.services import record
from copse.communities.models import Community
from copse.conversations import attachments, links, search_index, tasks
from copse.conversations.models import (
    CommunityVisit,
    Draft,
    Post,
    PostRevision,
    ReadState,
    Subscription,
    Tag,
    Thread,
)
from copse.conversations.rendering import render_post
from copse.conversations.signals import (
    post_edited,
    post_published,
    post_removed,
    reply_marked_helpful,
    thread_removed,
)
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.core.storage import files_removed_on_failure, write_if_possible

MAX_BODY = 50_000
MAX_TAGS = 8


class ConversationError(UserFacingError):
    title = gettext_lazy("That could not be posted")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


def _clean_body(body: str) -> str:
    body = without_control_characters(body).strip()
    if not body:
        raise ConversationError(_("Please write something first."))
    if len(body) > MAX_BODY:
        raise ConversationError(
            _(
                "That is %(length)s characters; the limit is %(limit)s. "
                "Split it into two posts, or put the long part in the library."
            )
            % {"length": f"{len(body):,}", "limit": f"{MAX_BODY:,}"}
        )
    return body


def _clean_title(title: str) -> str:
    title = " ".join(without_control_characters(title).split())
    if not title:
        raise ConversationError(_("Please give the thread a title."))
    if len(title) > 200:
        raise ConversationError(_("Titles are at most 200 characters."))
    return title


def _tag_name_and_slug(raw) -> tuple[str, str]:
    name = " ".join(without_control_characters(str(raw)).split())[:60]
    return name, slugify(name)[:70]


def tags_from_names(names, *, community: Community) -> list[Tag]:
    """The catalogue entry for each name (matched by slug, so case and
    punctuation do not matter), else `community`'s own topic tag, made with the
    spelling typed here if the community has none. Only the catalogue and this
    community are looked in: another community's spelling never comes back."""
    tags: list[Tag] = []
    for raw in names:
        name, slug = _tag_name_and_slug(raw)
        if not slug or any(t.slug == slug for t in tags):
            continue
        tag = (
            Tag.objects.filter(Q(community__isnull=True) | Q(community=community), slug=slug)
            .order_by(F("community").asc(nulls_first=True))
            .first()
        ) or Tag.objects.create(community=community, name=name, slug=slug)
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ConversationError(_("Use at most %(count)s tags.") % {"count": MAX_TAGS})
    return tags


def _tags_for_move(tags, to_community: Community) -> list[Tag]:
    """A moved thread's topic tags become the destination's own (the catalogue
    entries stay): the destination's spelling if it has the tag already."""
    moved = [tag for tag in tags if tag.community_id is None]
    own = [tag for tag in tags if tag.community_id is not None]
    if own:
        moved += tags_from_names([tag.name for tag in own], community=to_community)
    return moved


def add_to_catalogue(*, actor, name: str, kind: str) -> Tag:
    """Site administrators keep the shared catalogue of vendors, products and technologies."""
    if not permissions.can(actor, "programme.manage"):
        raise NotAllowed(_("Only site administrators edit the catalogue."))
    if kind not in Tag.Kind.values or kind == Tag.Kind.TOPIC:
        raise ConversationError(_("Choose vendor, product or technology."))
    name, slug = _tag_name_and_slug(name)
    if not slug:
        raise ConversationError(_("Give the entry a name."))
    # Only the catalogue is looked in: a community's own topic of the same name
    # stays its own, and its spelling never shows here.
    with transaction.atomic():
        tag, created = Tag.objects.get_or_create(
            community=None, slug=slug, defaults={"name": name, "kind": kind}
        )
        changed = not created and tag.kind != kind
        if changed:
            tag.kind = kind
            tag.save(update_fields=["kind"])
        if created or changed:
            record(actor=actor, action="catalogue.entry_saved", name=tag.name, kind=kind)
    return tag


def _watch(user, thread) -> None:
    """Taking part watches a thread, unless the person muted it."""
    Subscription.objects.get_or_create(
        user=user, thread=thread, defaults={"level": Subscription.Level.WATCHING}
    )


def _discard_draft(user, community, thread=None) -> None:
    Draft.objects.filter(user=user, community=community, thread=thread).delete()


def _linked_item(actor, community, item_id):
    """The library item a new post is to link, checked before anything is written."""
    if item_id is None:
        return None
    linker = links.linker()
    if linker is None:
        raise ConversationError(_("Library items cannot be linked here."))
    return linker.check(actor=actor, community=community, item_id=item_id)


def _keep_link(actor, post, item) -> None:
    if item is not None:
        links.linker().keep(actor=actor, post=post, item=item)


def _published(post: Post) -> None:
    """After commit: in-app notifications, and whoever listens (mail)."""
    tasks.notify_about_post.enqueue(post.pk)
    post_published.send(sender=Post, post=post)


def start_thread(
    *,
    actor,
    community: Community,
    kind: str,
    title: str,
    body: str,
    tag_names=(),
    files=(),
    library_item: int | None = None,
) -> Thread:
    """`files`: uploaded files to attach to the opening post (checked by
    `attachments.check_uploads`; AttachmentError names the first refused).
    `library_item`: the id of a library item to link under the post (see
    `links`), refused unless the actor may link it here."""
    if kind not in Thread.Kind.values:
        raise ConversationError(_("Choose discussion, ask or announcement."))
    if not permissions.may_start_thread(actor, community, kind):
        if kind == Thread.Kind.ANNOUNCEMENT and permissions.can(
            actor, "community.contribute", community
        ):
            raise NotAllowed(_("Only facilitators post announcements. Start a discussion instead."))
        raise NotAllowed(
            _("You cannot post here. If the norms changed, accept the new version first.")
        )
    title, body = _clean_title(title), _clean_body(body)
    checked = attachments.check_uploads(files)
    linked = _linked_item(actor, community, library_item)
    tags = tags_from_names(tag_names, community=community)
    now = timezone.now()
    # The files are written before their rows: if a row or the commit fails,
    # the files go too.
    with files_removed_on_failure(), transaction.atomic():
        # The community row locked: a visibility change committing meanwhile
        # either comes first (and the floor is read after it) or waits and
        # raises this thread's floor with the others'.
        visibility = (
            Community.objects.select_for_update()
            .values_list("visibility", flat=True)
            .get(pk=community.pk)
        )
        thread = Thread.objects.create(
            community=community,
            kind=kind,
            title=title,
            author=actor,
            last_activity_at=now,
            visibility_floor=permissions.stricter_visibility(visibility, community.visibility),
            ask_state=Thread.AskState.OPEN if kind == Thread.Kind.ASK else "",
        )
        thread.tags.set(tags)
        post = Post.objects.create(
            thread=thread,
            community=community,
            position=0,
            author=actor,
            body=body,
            body_html=render_post(body),
        )
        attachments.store(post, checked)
        _keep_link(actor, post, linked)
        search_index.index_post(post)
        _watch(actor, thread)
        ReadState.objects.create(user=actor, thread=thread, last_read_position=0)
        _discard_draft(actor, community)
    transaction.on_commit(lambda: _published(post))
    return thread


def touch_thread(thread_id: int) -> None:
    """Say that what the thread's pages of posts show has changed: the thread
    page renders them again instead of using its cached rendering."""
    Thread.objects.filter(pk=thread_id).update(version=F("version") + 1)


def post_reply(
    *, actor, thread: Thread, body: str, files=(), library_item: int | None = None
) -> Post:
    """`files` and `library_item`: what the reply carries, as for `start_thread`."""
    if not permissions.can(actor, "thread.reply", thread):
        if thread.locked:
            raise NotAllowed(_("This thread is locked; a facilitator closed it to new replies."))
        raise NotAllowed(
            _("You cannot reply here. If the norms changed, accept the new version first.")
        )
    body = _clean_body(body)
    checked = attachments.check_uploads(files)
    linked = _linked_item(actor, thread.community, library_item)
    with files_removed_on_failure(), transaction.atomic():
        # The row lock numbers replies without gaps or clashes under concurrency.
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        position = locked.last_position + 1
        post = Post.objects.create(
            thread=locked,
            community_id=locked.community_id,
            position=position,
            author=actor,
            body=body,
            body_html=render_post(body),
        )
        attachments.store(post, checked)
        _keep_link(actor, post, linked)
        Thread.objects.filter(pk=locked.pk).update(
            last_position=position,
            reply_count=F("reply_count") + 1,
            last_activity_at=post.created_at,
            version=F("version") + 1,
        )
        post.thread = locked
        search_index.index_post(post)
        _watch(actor, locked)
        ReadState.objects.update_or_create(
            user=actor, thread=locked, defaults={"last_read_position": position}
        )
        _discard_draft(actor, locked.community, locked)
    thread.last_position, thread.reply_count = position, locked.reply_count + 1
    transaction.on_commit(lambda: _published(post))
    return post


def edit_post(*, actor, post: Post, body: str, title: str | None = None) -> Post:
    """A new text (and, for the opening post, title); the post's files stay attached."""
    if not permissions.can(actor, "post.edit", post):
        raise NotAllowed(_("You can only edit your own posts, while you are a member."))
    body = _clean_body(body)
    thread = post.thread
    new_title = _clean_title(title) if (title is not None and post.is_opening) else thread.title
    if body == post.body and new_title == thread.title:
        return post
    with transaction.atomic():
        PostRevision.objects.create(
            post=post, body=post.body, title=thread.title if post.is_opening else "", editor=actor
        )
        post.body = body
        post.body_html = render_post(body)
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "body_html", "edited_at"])
        if new_title != thread.title:
            thread.title = new_title
            thread.save(update_fields=["title"])
        touch_thread(post.thread_id)
        search_index.index_post(post)
        post_edited.send(sender=Post, post=post, actor=actor)
    return post


def remove_post(*, actor, post: Post, reason: str = "") -> Post:
    """Leave a tombstone. The opening post's removal removes the whole thread."""
    if not permissions.can(actor, "post.remove", post):
        raise NotAllowed(_("You can only remove your own posts."))
    by_author = post.author_id == actor.pk
    reason = " ".join((reason or "").split())[:300]
    if not by_author and not reason:
        raise ConversationError(
            _("Say why you remove it; the author and the audit log will see it.")
        )
    if post.is_opening:
        remove_thread(actor=actor, thread=post.thread, reason=reason or "Removed by the author")
        return post
    with transaction.atomic():
        post.removed_at = timezone.now()
        post.removed_by = actor
        post.removal_reason = "" if by_author else reason
        post.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        touch_thread(post.thread_id)
        search_index.unindex_posts([post.pk])
        post_removed.send(sender=Post, post=post, actor=actor)
        if not by_author:
            record(
                actor=actor,
                action="conversation.post_removed",
                community=post.community,
                subject=post.author,
                thread=post.thread_id,
                post=post.pk,
                reason=reason,
            )
    return post


def _moderate(actor, thread: Thread) -> None:
    if not permissions.can(actor, "thread.moderate", thread):
        raise NotAllowed(_("Only the community's facilitators can do that."))


def set_pinned(*, actor, thread: Thread, pinned: bool) -> Thread:
    _moderate(actor, thread)
    thread.pinned = pinned
    thread.save(update_fields=["pinned"])
    record(
        actor=actor,
        action="conversation.pinned" if pinned else "conversation.unpinned",
        community=thread.community,
        thread=thread.pk,
    )
    return thread


def set_locked(*, actor, thread: Thread, locked: bool) -> Thread:
    _moderate(actor, thread)
    thread.locked = locked
    thread.save(update_fields=["locked"])
    record(
        actor=actor,
        action="conversation.locked" if locked else "conversation.unlocked",
        community=thread.community,
        thread=thread.pk,
    )
    return thread


def remove_thread(*, actor, thread: Thread, reason: str) -> Thread:
    by_author = thread.author_id == actor.pk and permissions.can(
        actor, "post.remove", thread.posts.get(position=0)
    )
    if not by_author:
        _moderate(actor, thread)
    if not reason.strip():
        raise ConversationError(
            _("Say why you remove it; the author and the audit log will see it.")
        )
    with transaction.atomic():
        thread.removed_at = timezone.now()
        thread.removed_by = actor
        thread.removal_reason = reason.strip()[:300]
        thread.save(update_fields=["removed_at", "removed_by", "removal_reason"])
        search_index.unindex_posts(thread.posts.values_list("pk", flat=True))
        thread_removed.send(sender=Thread, thread=thread, actor=actor)
        record(
            actor=actor,
            action="conversation.thread_removed",
            community=thread.community,
            subject=thread.author,
            thread=thread.pk,
            reason=thread.removal_reason,
        )
    return thread


def move_thread(*, actor, thread: Thread, to_community: Community) -> Thread:
    """Move to another community the facilitator also facilitates, if the
    permission core lets the thread go there (`permissions.move_refusal`).
    The thread's floor rises to the new community's visibility if stricter."""
    _moderate(actor, thread)
    if not permissions.can(actor, "community.moderate", to_community):
        raise NotAllowed(_("You can only move threads to communities you facilitate."))
    if to_community.pk == thread.community_id:
        return thread
    refusal = permissions.move_refusal(thread, to_community)
    if refusal is not None and refusal.less_private:
        raise NotAllowed(
            _(
                "%(name)s is less private than this thread: a thread moves only into "
                "a community at least as private as the one its words were written for."
            )
            % {"name": to_community.name}
        )
    if refusal is not None:
        n = refusal.unseated_authors
        raise NotAllowed(
            ngettext(
                "%(count)s author of this thread has no seat in %(name)s: a thread moves "
                "only where everyone who wrote in it is a member.",
                "%(count)s authors of this thread have no seat in %(name)s: a thread moves "
                "only where everyone who wrote in it is a member.",
                n,
            )
            % {"count": n, "name": to_community.name}
        )
    source = thread.community
    floor = permissions.stricter_visibility(thread.visibility_floor, to_community.visibility)
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(
            community=to_community,
            pinned=False,
            visibility_floor=floor,
            version=F("version") + 1,
        )
        thread.visibility_floor = floor
        Post.objects.filter(thread=thread).update(community=to_community)
        search_index.move_thread(thread.pk, to_community.pk)
        Draft.objects.filter(thread=thread).delete()
        thread.tags.set(_tags_for_move(list(thread.tags.all()), to_community))
        thread.community = to_community
        record(
            actor=actor,
            action="conversation.moved_out",
            community=source,
            thread=thread.pk,
            to=to_community.slug,
        )
        record(
            actor=actor,
            action="conversation.moved_in",
            community=to_community,
            thread=thread.pk,
            source=source.slug,
        )
    return thread


def mark_helpful(*, actor, post: Post, helpful: bool = True) -> Post:
    thread = post.thread
    if not permissions.can(actor, "ask.mark_helpful", thread):
        raise NotAllowed(_("Only the person who asked can mark replies helpful."))
    if post.is_opening or post.is_removed:
        raise ConversationError(_("Mark a reply, not the question."))
    became_helpful = helpful and not post.helpful
    with transaction.atomic():
        if became_helpful:
            post.helpful_at = timezone.now()
        elif not helpful:
            post.helpful_at = None
        post.helpful = helpful
        post.save(update_fields=["helpful", "helpful_at"])
        touch_thread(post.thread_id)
        has_helpful = thread.posts.filter(helpful=True, removed_at__isnull=True).exists()
        if thread.ask_state != Thread.AskState.CLOSED:
            thread.ask_state = Thread.AskState.ANSWERED if has_helpful else Thread.AskState.OPEN
            thread.save(update_fields=["ask_state"])
    if helpful:
        transaction.on_commit(lambda: tasks.notify_helpful.enqueue(post.pk, actor.pk))
    if became_helpful:
        transaction.on_commit(
            lambda: reply_marked_helpful.send(sender=Post, post=post, actor=actor)
        )
    return post


def set_ask_closed(*, actor, thread: Thread, closed: bool) -> Thread:
    if not permissions.can(actor, "ask.mark_helpful", thread):
        raise NotAllowed(_("Only the person who asked can close the ask."))
    if closed:
        thread.ask_state = Thread.AskState.CLOSED
    else:
        has_helpful = thread.posts.filter(helpful=True, removed_at__isnull=True).exists()
        thread.ask_state = Thread.AskState.ANSWERED if has_helpful else Thread.AskState.OPEN
    thread.save(update_fields=["ask_state"])
    return thread


def save_summary(*, actor, thread: Thread, summary: str) -> Thread:
    if not permissions.can(actor, "ask.summarise", thread):
        raise NotAllowed(_("Only the person who asked writes the summary."))
    summary = (summary or "").replace("\r\n", "\n").strip()
    if len(summary) > 20_000:
        raise ConversationError(_("Keep the summary under 20,000 characters."))
    thread.summary = summary
    thread.summary_updated_at = timezone.now()
    thread.save(update_fields=["summary", "summary_updated_at"])
    return thread


def set_subscription(*, actor, thread: Thread, level: str | None) -> None:
    if not permissions.can(actor, "thread.read", thread):
        raise NotAllowed(_("You cannot follow this thread."))
    if level is None:
        Subscription.objects.filter(user=actor, thread=thread).delete()
        return
    if level not in Subscription.Level.values:
        raise ConversationError(_("Choose watching or muted."))
    Subscription.objects.update_or_create(user=actor, thread=thread, defaults={"level": level})


def record_visit(*, actor, community: Community):
    """Returns the previous visit's time and moves the marker to now. Done
    while the list is read: a full or read-only database only loses the marker."""
    if not actor.is_authenticated:
        return None
    visit = CommunityVisit.objects.filter(user=actor, community=community).first()
    now = timezone.now()
    what = f"last visit community={community.pk} user={actor.pk}"
    if visit is None:
        write_if_possible(
            what,
            lambda: CommunityVisit.objects.create(
                user=actor, community=community, last_visit_at=now
            ),
        )
        return None
    idle = (now - visit.last_visit_at).total_seconds()
    # Visits within an hour count as one, so paging through the list keeps
    # "new"; and the marker is written at most once a minute, not per page.
    if idle > 3600:
        visit.previous_visit_at = visit.last_visit_at
    if idle > 60:
        visit.last_visit_at = now
        write_if_possible(
            what, lambda: visit.save(update_fields=["previous_visit_at", "last_visit_at"])
        )
    return visit.previous_visit_at


def mark_read(*, actor, thread: Thread, position: int) -> None:
    """Remember the furthest position read; never moves backwards. Done while
    the thread is read: a full or read-only database only loses the mark."""
    if not actor.is_authenticated:
        return
    position = max(0, min(position, thread.last_position))

    def advance():
        updated = ReadState.objects.filter(
            user=actor, thread=thread, last_read_position__lt=position
        ).update(last_read_position=position)
        if not updated:
            ReadState.objects.get_or_create(
                user=actor, thread=thread, defaults={"last_read_position": position}
            )

    write_if_possible(f"read position thread={thread.pk} user={actor.pk}", advance)


def save_draft(
    *, actor, community: Community, thread: Thread | None, title: str, body: str
) -> Draft | None:
    if not permissions.can(actor, "community.read", community) or (
        thread is not None and not permissions.can(actor, "thread.read", thread)
    ):
        raise NotAllowed(_("You cannot write here."))
    # A draft keeps what was typed, but never a NUL (PostgreSQL refuses it).
    title, body = without_control_characters(title), without_control_characters(body)
    if not title.strip() and not body.strip():
        _discard_draft(actor, community, thread)
        return None
    draft, _created = Draft.objects.update_or_create(
        user=actor,
        community=community,
        thread=thread,
        defaults={"title": (title or "")[:200], "body": (body or "")[:MAX_BODY]},
    )
    return draft
