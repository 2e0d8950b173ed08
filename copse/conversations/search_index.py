"""The full-text index of posts: SQLite FTS5 or a PostgreSQL tsvector with GIN.

Both hold one document per visible post: its body, plus the thread title for
the opening post. Permission is never stored here; search joins the index with
posts and applies the permission core's filter at query time, so moves,
removals and membership changes take effect at once.
"""

from django.db import connection

# One table name on both databases (created by migration 0002).
INDEX_TABLE = "conversations_post_search"
PG_CONFIG = "english"


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
                f"INSERT INTO {INDEX_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
                [post.pk, title, post.body],
            )


def unindex_posts(post_ids) -> None:
    post_ids = list(post_ids)
    if not post_ids:
        return
    placeholders = ", ".join(["%s"] * len(post_ids))
    key = "post_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {INDEX_TABLE} WHERE {key} IN ({placeholders})", post_ids)


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
                f"""INSERT INTO {INDEX_TABLE} (rowid, title, body)
                SELECT p.id, CASE WHEN p.position = 0 THEN t.title ELSE '' END, p.body
                FROM conversations_post p JOIN conversations_thread t ON t.id = p.thread_id
                WHERE p.removed_at IS NULL AND t.removed_at IS NULL"""
            )
        return cursor.rowcount
