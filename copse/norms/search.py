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
from django.utils.translation import gettext, gettext_lazy

from copse.core.markdown import plain_text
from copse.norms.models import NormsVersion
from copse.search.index import Index, find_readable, passage
from copse.search.sources import Found, Hit, Source

NORMS = Index(
    table="norms_normsversion_search",
    source_table="norms_normsversion",
    columns=("body",),
    weights=(1.0,),
)


def _document(version) -> tuple[str, ...]:
    return (f"{plain_text(version.body)}\n{version.change_note}",)


def index_versions(versions) -> None:
    NORMS.put({v.pk: _document(v) for v in versions})


def rebuild_all() -> None:
    NORMS.rebuild(NormsVersion.objects.only("pk", "body", "change_note"), _document)


def _version_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_versions([instance])


def connect() -> None:
    post_save.connect(_version_saved, sender=NormsVersion, dispatch_uid="norms-search-version")


def find_norms(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    def load(ids):
        return NormsVersion.objects.select_related("community").in_bulk(ids)

    def to_hit(version, score) -> Hit:
        community = version.community
        return Hit(
            title=gettext("Norms of %(name)s") % {"name": community.name},
            url=reverse("norms:current", args=[community.slug]),
            excerpt=passage([version.body, version.change_note], query),
            meta=[gettext("Version %(number)s") % {"number": version.number}],
            when=version.published_at,
            badge=gettext("Norms"),
            score=score,
            obj=version,
        )

    return find_readable(
        NORMS,
        viewer,
        query,
        joins=(
            "JOIN norms_normsversion nv ON nv.id = {key} "
            "JOIN communities_community c ON c.id = nv.community_id "
            "AND c.norms_version = nv.number"
        ),
        filters=filters,
        limit=limit,
        offset=offset,
        load=load,
        to_hit=to_hit,
    )


NORMS_SOURCE = Source(
    key="norms",
    label=gettext_lazy("Norms"),
    find=find_norms,
    order=45,
    filters=frozenset({"community"}),
    preview=3,
)
