"""Norms as a group of results on the search page (`copse.search.sources`),
with their full-text index (`copse.search.index`).

Every version is indexed as it is published (versions never change); search
finds a community's current one only, by joining the community's
`norms_version`. Norms are found only in communities the viewer reads
(`permissions.readable_sql`), which is narrower than the norms page (anyone
who may know of the community): search lists the words of what a person
takes part in, not of every community they could look up, and so never
shows a site administrator a confidential community's text beside its
members' own.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.urls import reverse

from copse.core import permissions
from copse.core.markdown import plain_text
from copse.norms.models import NormsVersion
from copse.search.index import Index, passage, ranked
from copse.search.sources import COUNT_CAP, Found, Hit, Source

NORMS = Index(
    table="norms_normsversion_search",
    source_table="norms_normsversion",
    columns=("body",),
    weights=(1.0,),
)


def index_versions(versions) -> None:
    NORMS.put({v.pk: (f"{plain_text(v.body)}\n{v.change_note}",) for v in versions})


def rebuild_all() -> None:
    NORMS.clear()
    versions = NormsVersion.objects.only("pk", "body", "change_note").order_by("pk")
    for start in range(0, versions.count(), 2000):
        index_versions(versions[start : start + 2000])


def _version_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_versions([instance])


def connect() -> None:
    post_save.connect(_version_saved, sender=NormsVersion, dispatch_uid="norms-search-version")


def find_norms(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    readable, params = permissions.readable_sql(viewer, "c")
    where = [readable]
    if filters.community:
        where.append("c.slug = %s")
        params = [*params, filters.community]
    rows, count = ranked(
        NORMS,
        query,
        joins=(
            "JOIN norms_normsversion nv ON nv.id = {key} "
            "JOIN communities_community c ON c.id = nv.community_id "
            "AND c.norms_version = nv.number"
        ),
        where=" AND ".join(where),
        params=params,
        limit=limit + 1,
        offset=offset,
    )
    shown = rows[:limit]
    versions = {
        v.pk: v
        for v in NormsVersion.objects.filter(pk__in=[row[0] for row in shown]).select_related(
            "community"
        )
    }
    hits = []
    for version_id, score in shown:
        version = versions.get(version_id)
        if version is None:
            continue
        community = version.community
        hits.append(
            Hit(
                title=f"Norms of {community.name}",
                url=reverse("norms:current", args=[community.slug]),
                excerpt=passage([version.body, version.change_note], query),
                meta=[f"Version {version.number}"],
                when=version.published_at,
                badge="Norms",
                score=score,
                obj=version,
            )
        )
    return Found(
        hits=hits,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        has_more=len(rows) > limit,
    )


NORMS_SOURCE = Source(
    key="norms",
    label="Norms",
    find=find_norms,
    order=45,
    filters=frozenset({"community"}),
    preview=3,
)
