"""Topics as a group of results on the search page (`copse.search.sources`),
with their full-text index (`copse.search.index`): a topic's title, why it
matters and its topic area. Found only in communities the viewer reads
(`permissions.readable_sql`, the `topic.read` rule), in the statement that
matches; signals keep the index in step with every save."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from copse.core.markdown import plain_text
from copse.search.index import Index, find_readable, passage
from copse.search.sources import Found, Hit, Source
from copse.topics.models import Topic

TOPICS = Index(
    table="topics_topic_search",
    source_table="topics_topic",
    columns=("title", "about"),
    weights=(4.0, 1.0),
)


def _document(topic) -> tuple[str, str]:
    return topic.title, f"{plain_text(topic.why)}\n{topic.area}"


def index_topics(topics) -> None:
    TOPICS.put({topic.pk: _document(topic) for topic in topics})


def rebuild_all() -> None:
    TOPICS.rebuild(Topic.objects.only("pk", "title", "why", "area"), _document)


def _topic_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_topics([instance])


def connect() -> None:
    post_save.connect(_topic_saved, sender=Topic, dispatch_uid="topics-search-topic")


def find_topics(viewer, query, *, filters, limit: int, offset: int = 0) -> Found:
    def load(ids):
        return Topic.objects.select_related("community").in_bulk(ids)

    def to_hit(topic, score) -> Hit:
        url = reverse("topics:backlog", args=[topic.community.slug])
        meta = [topic.community.name]
        if topic.area:
            meta.append(topic.area)
        if topic.vote_count:
            meta.append(
                ngettext("%(count)s vote", "%(count)s votes", topic.vote_count)
                % {"count": topic.vote_count}
            )
        return Hit(
            title=topic.title,
            url=f"{url}?{urlencode({'status': topic.status})}#topic-{topic.pk}",
            excerpt=passage([topic.why], query),
            meta=meta,
            when=topic.created_at,
            badge=_("Topic, %(status)s") % {"status": topic.get_status_display().lower()},
            score=score,
            obj=topic,
        )

    return find_readable(
        TOPICS,
        viewer,
        query,
        joins=(
            "JOIN topics_topic tp ON tp.id = {key} "
            "JOIN communities_community c ON c.id = tp.community_id"
        ),
        filters=filters,
        limit=limit,
        offset=offset,
        load=load,
        to_hit=to_hit,
    )


TOPICS_SOURCE = Source(
    key="topics",
    label=gettext_lazy("Topics"),
    find=find_topics,
    order=35,
    filters=frozenset({"community"}),
    preview=5,
)
