"""Background work for the library: reading uploaded files for search.

A task takes a version id and loads the row fresh. A file that cannot be read
is kept and marked "not searchable"; the task never fails for it.
"""

from django_tasks import task


@task()
def extract_text(version_id: int) -> str:
    from copse.library.extraction import extract_into

    return extract_into(version_id)


@task()
def tell_authors_of_reuse(reuse_id: int) -> int:
    """Each author who may still read the item hears that it was re-used. The
    re-user is named only to authors who may see them ("person.view");
    otherwise the notification says "Someone"."""
    from copse.core import permissions
    from copse.library.models import Reuse
    from copse.notifications.services import notify

    reuse = Reuse.objects.select_related("item__community", "person").filter(pk=reuse_id).first()
    if reuse is None or reuse.item.removed_at is not None:
        return 0
    item = reuse.item
    told = 0
    for author in item.authors.select_related("person").exclude(person=None):
        person = author.person
        if reuse.person_id == person.pk:
            continue
        named = reuse.person is not None and permissions.can(person, "person.view", reuse.person)
        if notify(
            user=person,
            kind="reused",
            target=item,
            actor=reuse.person if named else None,
            read_action="library_item.read",
            again=True,
        ):
            told += 1
    return told


SAFE_TO_REPEAT = {
    "extract_text": "it reads the same stored file again and overwrites the same text",
    "tell_authors_of_reuse": (
        "a repeat only brings the same notification back to the top (its mail may go twice)"
    ),
}
