"""The substring indexes of who knows what (`copse.search.index.SubstringIndex`):
for an expertise entry its topic area or subject and its person's name; for
an experience entry its catalogue entry's name, its person's name and what
it was used for. The same fields `selectors.search_expertise_page` matched
with `icontains`; no permission is stored, the search applies
`permissions.shared_community_q` in the statement that matches.

Signals keep them in step: an entry's save, and a rename of a person or of
a catalogue entry (their names are in the documents). A delete trigger
drops an entry with its row."""

from __future__ import annotations

from django.db.models.signals import post_save

from copse.accounts.models import User
from copse.conversations.models import Tag
from copse.expertise.models import Experience, Expertise
from copse.search.index import SubstringIndex

EXPERTISE_INDEX = SubstringIndex(
    table="expertise_expertise_search", source_table="expertise_expertise"
)
EXPERIENCE_INDEX = SubstringIndex(
    table="expertise_experience_search", source_table="expertise_experience"
)


def _expertise_document(entry) -> tuple[str, ...]:
    return entry.area, entry.tag, entry.person.display_name


def _experience_document(entry) -> tuple[str, ...]:
    return entry.tag.name, entry.person.display_name, entry.purpose


def _expertise_rows():
    return Expertise.objects.select_related("person").only(
        "pk", "area", "tag", "person__display_name"
    )


def _experience_rows():
    return Experience.objects.select_related("person", "tag").only(
        "pk", "purpose", "tag__name", "person__display_name"
    )


def index_expertise(entries) -> None:
    EXPERTISE_INDEX.put({entry.pk: _expertise_document(entry) for entry in entries})


def index_experience(entries) -> None:
    EXPERIENCE_INDEX.put({entry.pk: _experience_document(entry) for entry in entries})


def rebuild_all() -> None:
    """After bulk loads (bench data), and by the migration that creates the indexes."""
    EXPERTISE_INDEX.rebuild(_expertise_rows(), _expertise_document)
    EXPERIENCE_INDEX.rebuild(_experience_rows(), _experience_document)


def _named(update_fields, field: str) -> bool:
    return update_fields is None or field in update_fields


def _expertise_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_expertise([instance])


def _experience_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_experience([instance])


def _person_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # A new person has no entries; a save that leaves the name alone (a
    # login's timestamp) changes no document.
    if raw or created or not _named(update_fields, "display_name"):
        return
    index_expertise(_expertise_rows().filter(person=instance))
    index_experience(_experience_rows().filter(person=instance))


def _tag_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or created or instance.community_id is not None or not _named(update_fields, "name"):
        return
    index_experience(_experience_rows().filter(tag=instance))


def connect() -> None:
    post_save.connect(_expertise_saved, sender=Expertise, dispatch_uid="expertise-search-expertise")
    post_save.connect(
        _experience_saved, sender=Experience, dispatch_uid="expertise-search-experience"
    )
    post_save.connect(_person_saved, sender=User, dispatch_uid="expertise-search-person")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="expertise-search-tag")
