"""The full-text index of posts: SQLite FTS5 or a PostgreSQL tsvector with GIN.

Both hold one document per visible post: its body, plus the thread title for
the opening post. Permission is never stored here; search joins the index with
posts and applies the permission core's filter at query time, so moves,
removals and membership changes take effect at once.

On SQLite a third column holds the post's community as one token
(`community_token`), so a search confined to a community intersects the
words' matches with that community's inside the index instead of walking
every match on the site and dropping those elsewhere. It narrows, never
permits: the statement still joins the community and applies the filter and
the permission rule. Users' words are confined to the title and body
(`copse.search.selectors`), so no query can match it.
"""

from django.db import connection

# One table name on both databases (created by migration 0002).
INDEX_TABLE = "conversations_post_search"
PG_CONFIG = "english"


def community_token(community_id) -> str:
    """The word the SQLite index holds for a community (see the module's note)."""
    return f"c{community_id}"


def _document_title(post) -> str:
    return post.thread.title if post.position == 0 else ""


def index_post(post) -> None:
    """(Re)index one post; removed posts and posts of removed threads leave the index."""
    if post.removed_at is not None or post.thread.removed_at is not None:
        unindex_posts([post.pk])
        return
    title = _document_title(post)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""INSERT INTO {INDEX_TABLE} (post_id, document)
                VALUES (%s, setweight(to_tsvector('{PG_CONFIG}', %s), 'A')
                           || setweight(to_tsvector('{PG_CONFIG}', %s), 'B'))
                ON CONFLICT (post_id) DO UPDATE SET document = EXCLUDED.document""",
                [post.pk, title, post.body],
            )
        else:
            cursor.execute(f"DELETE FROM {INDEX_TABLE} WHERE rowid = %s", [post.pk])
            cursor.execute(
                f"INSERT INTO {INDEX_TABLE} (rowid, title, body, community)"
                " VALUES (%s, %s, %s, %s)",
                [post.pk, title, post.body, community_token(post.community_id)],
            )


def unindex_posts(post_ids) -> None:
    post_ids = list(post_ids)
    if not post_ids:
        return
    placeholders = ", ".join(["%s"] * len(post_ids))
    key = "post_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {INDEX_TABLE} WHERE {key} IN ({placeholders})", post_ids)


def move_thread(thread_id, community_id) -> None:
    """After a thread's posts moved to another community: their community
    word, in one statement (the PostgreSQL index holds no community)."""
    if connection.vendor == "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {INDEX_TABLE} SET community = %s"
            " WHERE rowid IN (SELECT id FROM conversations_post WHERE thread_id = %s)",
            [community_token(community_id), thread_id],
        )


def index_thread(thread) -> None:
    """After a thread-wide change (title edit, removal, restore)."""
    for post in thread.posts.select_related("thread"):
        index_post(post)


def rebuild_all() -> int:
    """Rebuild the whole index in two statements (used after bulk loads)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {INDEX_TABLE}")
            cursor.execute(
                f"""INSERT INTO {INDEX_TABLE} (post_id, document)
                SELECT p.id,
                       setweight(to_tsvector('{PG_CONFIG}', CASE WHEN p.position = 0 THEN t.title ELSE '' END), 'A')
                       || setweight(to_tsvector('{PG_CONFIG}', p.body), 'B')
                FROM conversations_post p JOIN conversations_thread t ON t.id = p.thread_id
                WHERE p.removed_at IS NULL AND t.removed_at IS NULL"""
            )
        else:
            cursor.execute(f"DELETE FROM {INDEX_TABLE}")
            cursor.execute(
                f"""INSERT INTO {INDEX_TABLE} (rowid, title, body, community)
                SELECT p.id, CASE WHEN p.position = 0 THEN t.title ELSE '' END, p.body,
                       'c' || p.community_id
                FROM conversations_post p JOIN conversations_thread t ON t.id = p.thread_id
                WHERE p.removed_at IS NULL AND t.removed_at IS NULL"""
            )
        return cursor.rowcount
