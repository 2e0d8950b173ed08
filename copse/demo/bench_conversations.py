"""Growing the conversations of a database for benchmarks: many communities'
threads, one 10,000-reply thread, and the full-text index rebuilt at the end.

Rows are bulk-inserted (services would take hours at this size); the index is
rebuilt in one statement, the same way an operator would after an import.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from copse.conversations import search_index
from copse.conversations.models import Post, Tag, Thread

# Domain words members search for, then a long tail of filler words drawn with
# Zipf-like weights, so term frequencies look like real text (a few common
# words, many rare ones) rather than every word in every post.
WORDS = [
    "telecom",
    "carrier",
    "contract",
    "vendor",
    "renewal",
    "budget",
    "cloud",
    "migration",
    "security",
    "audit",
    "staffing",
    "retention",
    "leadership",
    "metrics",
    "outsourcing",
    "licence",
    "negotiation",
    "roadmap",
    "datacentre",
    "network",
    "backup",
    "recovery",
    "incident",
    "board",
    "strategy",
    "procurement",
    "pilot",
    "savings",
    "governance",
    "training",
    "onboarding",
    "helpdesk",
    "ERP",
    "CRM",
    "analytics",
    "integration",
]


_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ner",
    "sto",
    "va",
    "ri",
    "den",
    "tel",
    "pra",
    "qu",
    "sen",
    "dor",
    "fi",
    "gal",
]


def _vocabulary(rng: random.Random, size: int = 6_000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return [*WORDS, *sorted(words)]


class _Text:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.vocabulary = _vocabulary(rng)
        self.weights = [1 / (rank + 8) for rank in range(len(self.vocabulary))]

    def sentence(self, words: int) -> str:
        chosen = self.rng.choices(self.vocabulary, weights=self.weights, k=words)
        return " ".join(chosen).capitalize() + "."


def _html(text: str) -> str:
    # What Markdown makes of a plain sentence, without rendering 200,000 of them.
    return f"<p>{escape(text)}</p>"


def grow_conversations(
    *,
    communities,
    people_by_community,
    posts: int,
    big_thread_replies: int = 10_000,
    seed: int = 7,
    batch: int = 5_000,
    progress=None,
) -> dict:
    """Create about `posts` posts across `communities`, plus one thread with
    `big_thread_replies` replies in the first community. Returns the figures."""
    rng = random.Random(seed)
    text = _Text(rng)
    now = timezone.now()
    tags = [Tag.objects.get_or_create(slug=w.lower(), defaults={"name": w})[0] for w in WORDS[:12]]
    communities = list(communities)
    made_posts = 0
    big = None
    with transaction.atomic():
        first = communities[0]
        first_people = people_by_community[first.pk]
        big = Thread.objects.create(
            community=first,
            kind="discussion",
            title="The long-running thread: what we learned this year",
            author=first_people[0],
            last_activity_at=now,
            visibility_floor=first.visibility,
            last_position=big_thread_replies,
            reply_count=big_thread_replies,
        )
        rows = []
        for position in range(big_thread_replies + 1):
            body = text.sentence(30)
            rows.append(
                Post(
                    thread=big,
                    community=first,
                    position=position,
                    author=first_people[position % len(first_people)],
                    body=body,
                    body_html=_html(body),
                )
            )
            if len(rows) >= batch:
                Post.objects.bulk_create(rows)
                made_posts += len(rows)
                rows = []
        Post.objects.bulk_create(rows)
        made_posts += len(rows)
    replies_per_thread = 9
    while made_posts < posts:
        with transaction.atomic():
            threads = []
            for _ in range(batch // (replies_per_thread + 1)):
                community = rng.choice(communities)
                people = people_by_community[community.pk]
                kind = rng.choice(["discussion", "ask", "ask"])
                threads.append(
                    Thread(
                        community=community,
                        kind=kind,
                        title=text.sentence(7)[:200],
                        author=rng.choice(people),
                        visibility_floor=community.visibility,
                        last_activity_at=now - timedelta(minutes=rng.randint(0, 500_000)),
                        last_position=replies_per_thread,
                        reply_count=replies_per_thread,
                        ask_state="open" if kind == "ask" else "",
                    )
                )
            Thread.objects.bulk_create(threads)
            rows = []
            through = []
            for thread in threads:
                people = people_by_community[thread.community_id]
                for position in range(replies_per_thread + 1):
                    body = text.sentence(rng.randint(12, 60))
                    rows.append(
                        Post(
                            thread=thread,
                            community_id=thread.community_id,
                            position=position,
                            author=rng.choice(people),
                            body=body,
                            body_html=_html(body),
                        )
                    )
                through.append(Thread.tags.through(thread_id=thread.pk, tag_id=rng.choice(tags).pk))
            Post.objects.bulk_create(rows)
            Thread.tags.through.objects.bulk_create(through)
            made_posts += len(rows)
        if progress:
            progress(made_posts, posts)
    indexed = search_index.rebuild_all()
    return {"posts": made_posts, "big_thread": big.pk, "indexed": indexed}
