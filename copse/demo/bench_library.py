"""Growing the library of a database for benchmarks: items with versions,
credit and file text, and the library's search index rebuilt at the end.

Rows are bulk-inserted (the services would read every file and write an
audit entry each). A file version names a file that is not on disk: the
benchmarks read pages and search, never downloads.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from copse.demo.bench_conversations import WORDS, _Text
from copse.library import search_index
from copse.library.models import ItemAuthor, ItemVersion, LibraryItem

KINDS = ["document", "page", "template", "sop", "presentation", "link"]
FILE_TYPES = [
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
]


def _version(rng, text, item, number, kind, author) -> ItemVersion:
    version = ItemVersion(
        item=item, number=number, change_note=text.sentence(5)[:300], created_by=author
    )
    written = kind == "page" or (kind in ("template", "sop") and rng.random() < 0.5)
    if written:
        body = "\n\n".join(text.sentence(rng.randint(15, 40)) for _ in range(rng.randint(2, 6)))
        version.body_markdown = body
        version.body_html = "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))
        return version
    suffix, content_type = rng.choice(FILE_TYPES)
    version.file = f"library/bench/{item.pk}-{number}.{suffix}"
    version.original_name = f"{item.title[:40]}.{suffix}"
    version.content_type = content_type
    version.size = rng.randint(20_000, 4_000_000)
    version.text_status = ItemVersion.TextStatus.EXTRACTED
    # What a few pages of a real file give: a few hundred words.
    version.extracted_text = " ".join(
        text.sentence(rng.randint(10, 30)) for _ in range(rng.randint(10, 40))
    )
    return version


def grow_library(
    *,
    communities,
    people_by_community,
    items: int,
    seed: int = 11,
    batch: int = 2_000,
    progress=None,
) -> dict:
    """Create `items` library items across `communities`, with one to three
    versions each (links have none), one or two credited authors, and one in
    twenty shared with everyone signed in. Returns the figures."""
    rng = random.Random(seed)
    text = _Text(rng)
    now = timezone.now()
    communities = list(communities)
    made_items = made_versions = 0
    while made_items < items:
        size = min(batch, items - made_items)
        with transaction.atomic():
            rows = []
            for _ in range(size):
                community = rng.choice(communities)
                people = people_by_community[community.pk]
                kind = rng.choice(KINDS)
                topic = rng.choice(WORDS)
                versions = 0 if kind == "link" else rng.choice((1, 1, 2, 3))
                shared = rng.random() < 0.05
                rows.append(
                    LibraryItem(
                        community=community,
                        kind=kind,
                        title=f"{topic} {text.sentence(5)}"[:200],
                        description=text.sentence(rng.randint(10, 30)),
                        link_url="https://example.com/resource" if kind == "link" else "",
                        created_by=rng.choice(people),
                        sharing="site" if shared else "community",
                        shared_at=now if shared else None,
                        version_count=versions,
                        updated_at=now - timedelta(minutes=rng.randint(0, 500_000)),
                    )
                )
            LibraryItem.objects.bulk_create(rows)
            authors, versions = [], []
            for item in rows:
                people = people_by_community[item.community_id]
                credited = rng.sample(people, min(len(people), rng.choice((1, 1, 2))))
                authors.extend(
                    ItemAuthor(item=item, person=person, name=person.display_name, position=p)
                    for p, person in enumerate(credited)
                )
                versions.extend(
                    _version(rng, text, item, number, item.kind, rng.choice(credited))
                    for number in range(1, item.version_count + 1)
                )
            ItemAuthor.objects.bulk_create(authors)
            ItemVersion.objects.bulk_create(versions)
            made_items += len(rows)
            made_versions += len(versions)
        if progress:
            progress(made_items, items)
    indexed = search_index.rebuild_all()
    return {"items": made_items, "versions": made_versions, "indexed": indexed}
