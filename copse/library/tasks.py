"""Background work for the library: reading uploaded files for search.

A task takes a version id and loads the row fresh. A file that cannot be read
is kept and marked "not searchable"; the task never fails for it.
"""

from django_tasks import task


@task()
def extract_text(version_id: int) -> str:
    from copse.library.extraction import extract_into

    return extract_into(version_id)


SAFE_TO_REPEAT = {
    "extract_text": "it reads the same stored file again and overwrites the same text",
}
