"""Who knows what, as seen by a viewer: a person's entries, a community's
knowledge map and gaps, "who has used X?", and the search over entries.

What people say about themselves is shown only within a community they share
with the viewer (`permissions.shared_community_q`); everything else here is
read under the permission core's queryset helpers too. Every function runs a
fixed number of queries, whatever the number of members, entries or posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext

from copse.accounts.models import User
from copse.communities.models import Community
from copse.conversations.models import Post, Tag, Thread
from copse.core import cursors, permissions
from copse.expertise.models import (
    EXPERIENCE_KINDS,
    Experience,
    ExperienceShown,
    Expertise,
    Level,
    subject_slug,
)
from copse.expertise.search_index import EXPERIENCE_INDEX, EXPERTISE_INDEX
from copse.meetings.models import AgendaItem, Meeting
from copse.memberships.models import Membership

MAP_PAGE_SIZE = 50
# Gaps listed on a community's page, newest asked first; the rest are counted.
GAPS_SHOWN = 20
SUGGESTIONS_PER_GAP = 5
# Rows read for the suggestions of all the gaps shown together.
SUGGESTION_ROWS = 200
# Rows read for each source of "who has used X?".
USED_BY_ROWS = 200
SEARCH_TEXT_MAX = 100

LEVEL_RANK = {Level.EXPERT: 0, Level.PRACTISING: 1, Level.LEARNING: 2}


def _level_rank():
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )


# --- What the viewer may see of people's entries ----------------------------------


def visible_expertise(viewer):
    """Expertise entries of communities the viewer shares with their person."""
    return Expertise.objects.filter(permissions.shared_community_q(viewer))


def _shown_to(viewer):
    """The communities experience entries are shown in, kept to those the
    viewer shares with the entry's person."""
    return ExperienceShown.objects.filter(
        permissions.shared_community_q(viewer, person="experience__person")
    )


def visible_experience(viewer):
    """Experience entries shown in at least one community the viewer shares
    with their person."""
    return Experience.objects.filter(Exists(_shown_to(viewer).filter(experience=OuterRef("pk"))))


def _with_shared_communities(viewer, experiences):
    """Each entry's `shared_in`: the communities it is shown in that the
    viewer shares with its person (one query for all of them)."""
    return experiences.prefetch_related(
        Prefetch(
            "shown",
            queryset=_shown_to(viewer).select_related("community").order_by("community__name"),
            to_attr="shared_shown",
        )
    )


def viewable_people(viewer, ids) -> set[int]:
    """Of the people `ids`, those whose profile the viewer may see ("person.view"), in one query."""
    if not ids:
        return set()
    return set(
        User.objects.filter(permissions.viewable_people_q(viewer), pk__in=set(ids)).values_list(
            "pk", flat=True
        )
    )


# --- A person's entries -----------------------------------------------------------


@dataclass
class PersonEntries:
    expertise: list = field(default_factory=list)
    experience: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.expertise or self.experience)


def entries_of(viewer, person) -> PersonEntries:
    """What `person` told about themselves that the viewer may see, for their
    profile page. Callers have checked "person.view". Three queries."""
    expertise = list(
        visible_expertise(viewer)
        .filter(person=person)
        .select_related("community")
        .order_by("community__name", "-area", "slug")
    )
    experience = list(
        _with_shared_communities(
            viewer, visible_experience(viewer).filter(person=person).select_related("tag")
        ).order_by("tag__name")
    )
    return PersonEntries(expertise=expertise, experience=experience)


@dataclass
class OwnCommunity:
    community: Community
    entries: list


@dataclass
class OwnEntries:
    communities: list  # OwnCommunity, one per community the person sits in
    elsewhere: list  # Expertise in communities they no longer sit in: shown nowhere
    experience: list


def own_entries(user) -> OwnEntries:
    """Everything a person listed, for their own page: by the communities they
    sit in, and what is shown nowhere because they left. Four queries."""
    seated = permissions.seated_community_ids(user)
    communities = list(Community.objects.filter(pk__in=seated).order_by("name"))
    by_community: dict[int, list] = {c.pk: [] for c in communities}
    elsewhere = []
    for entry in (
        Expertise.objects.filter(person=user)
        .select_related("community")
        .order_by("community__name", "-area", "slug")
    ):
        by_community.get(entry.community_id, elsewhere).append(entry)
    experience = list(
        Experience.objects.filter(person=user)
        .select_related("tag")
        .prefetch_related(
            Prefetch(
                "shown",
                queryset=ExperienceShown.objects.select_related("community").order_by(
                    "community__name"
                ),
            )
        )
        .order_by("tag__name")
    )
    for entry in experience:
        entry.shown_now = [s.community for s in entry.shown.all() if s.community_id in by_community]
    return OwnEntries(
        communities=[OwnCommunity(c, by_community[c.pk]) for c in communities],
        elsewhere=elsewhere,
        experience=experience,
    )


def own_expertise(user, entry_id: int) -> Expertise | None:
    return Expertise.objects.select_related("community").filter(pk=entry_id, person=user).first()


def own_experience(user, entry_id: int) -> Experience | None:
    return (
        Experience.objects.select_related("tag")
        .prefetch_related("shown")
        .filter(pk=entry_id, person=user)
        .first()
    )


# --- The catalogue --------------------------------------------------------------------


def catalogue_entries():
    """The vendors, products and technologies people can have used."""
    return Tag.objects.filter(community__isnull=True, kind__in=EXPERIENCE_KINDS).order_by(
        "name", "pk"
    )


def catalogue_entry(slug: str | None) -> Tag | None:
    slug = cursors.text(slug, max_length=70)
    if not slug:
        return None
    return catalogue_entries().filter(slug=slug).first()


# --- The knowledge map ----------------------------------------------------------------


@dataclass
class Cell:
    area: str
    level: str = ""
    level_label: str = ""
    helpful: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.level and not self.helpful


@dataclass
class MapRow:
    membership: Membership
    cells: list
    other: list  # Expertise in free tags

    @property
    def person(self):
        return self.membership.user


@dataclass
class KnowledgeMap:
    areas: list
    rows: list
    next_cursor: str | None = None


def knowledge_map(viewer, community, *, after: str | None = None) -> KnowledgeMap:
    """The community's topic areas against its members, a page at a time (by
    name): each cell holds the level the member declared and the number of
    their replies marked helpful in threads tagged with the area. Callers have
    checked "community.view_knowledge_map". Three queries."""
    areas = [str(a) for a in (community.topic_areas or [])]
    slugs = {subject_slug(a): a for a in areas if subject_slug(a)}
    members = Membership.objects.filter(
        community=community,
        status__in=permissions.SEATED_STATUSES,
        role__in=permissions.READING_ROLES,
        user__is_active=True,
    )
    position = cursors.parse(after, cursors.TEXT, cursors.INT)
    if position is not None:
        name, pk = position
        members = members.filter(
            Q(user__display_name__gt=name) | Q(user__display_name=name, pk__gt=pk)
        )
    rows = list(
        members.select_related("user", "user__organisation").order_by("user__display_name", "pk")[
            : MAP_PAGE_SIZE + 1
        ]
    )
    next_cursor = None
    if len(rows) > MAP_PAGE_SIZE:
        rows = rows[:MAP_PAGE_SIZE]
        next_cursor = f"{rows[-1].user.display_name}|{rows[-1].pk}"
    ids = [m.user_id for m in rows]
    declared: dict[tuple[int, str], Expertise] = {}
    other: dict[int, list] = {}
    if ids:
        for entry in (
            visible_expertise(viewer)
            .filter(community=community, person_id__in=ids)
            .order_by(_level_rank(), "slug")
        ):
            if entry.area and entry.slug in slugs:
                declared[(entry.person_id, entry.slug)] = entry
            else:
                other.setdefault(entry.person_id, []).append(entry)
    helpful: dict[tuple[int, str], int] = {}
    if ids and slugs:
        counted = (
            Post.objects.filter(
                permissions.readable_posts_q(viewer),
                community=community,
                helpful=True,
                position__gt=0,
                removed_at__isnull=True,
                thread__removed_at__isnull=True,
                author_id__in=ids,
                thread__tags__slug__in=list(slugs),
            )
            .values("author_id", "thread__tags__slug")
            .annotate(n=Count("pk", distinct=True))
        )
        helpful = {(row["author_id"], row["thread__tags__slug"]): row["n"] for row in counted}
    result = []
    for membership in rows:
        cells = []
        for slug, area in slugs.items():
            entry = declared.get((membership.user_id, slug))
            cells.append(
                Cell(
                    area=area,
                    level=entry.level if entry else "",
                    level_label=entry.get_level_display() if entry else "",
                    helpful=helpful.get((membership.user_id, slug), 0),
                )
            )
        result.append(
            MapRow(membership=membership, cells=cells, other=other.get(membership.user_id, []))
        )
    return KnowledgeMap(areas=list(slugs.values()), rows=result, next_cursor=next_cursor)


# --- Knowledge gaps ------------------------------------------------------------------


@dataclass
class PresenterSuggestion:
    person: User
    item: AgendaItem
    can_view_profile: bool = False


@dataclass
class PersonSuggestion:
    entry: Expertise
    # The entry's community, named only when the viewer may read it.
    community_name: str = ""
    can_view_profile: bool = True

    @property
    def person(self):
        return self.entry.person


@dataclass
class Gap:
    slug: str
    name: str
    is_area: bool
    asks: int
    last_asked: datetime | None
    presenters: list = field(default_factory=list)
    people: list = field(default_factory=list)


@dataclass
class Gaps:
    items: list
    more: int = 0


def knowledge_gaps(viewer, community) -> Gaps:
    """Topic areas and tags the community's asks are about with no helpful
    answer in any thread of it so tagged, no expertise declared in it by a
    member and (for the catalogue) no member's experience shown in it; each
    with suggestions of where help might come from. Callers have checked
    "community.view_knowledge_map". Four queries."""
    ThreadTag = Thread.tags.through
    areas = {subject_slug(str(a)): str(a) for a in (community.topic_areas or [])}
    answered = Post.objects.filter(
        community=community,
        helpful=True,
        removed_at__isnull=True,
        thread__removed_at__isnull=True,
        thread__tags__slug=OuterRef("tag__slug"),
    )
    declared = visible_expertise(viewer).filter(community=community, slug=OuterRef("tag__slug"))
    experienced = _shown_to(viewer).filter(
        community=community, experience__tag__slug=OuterRef("tag__slug")
    )
    rows = list(
        ThreadTag.objects.filter(
            permissions.readable_threads_q(viewer, prefix="thread"),
            thread__community=community,
            thread__kind=Thread.Kind.ASK,
            thread__removed_at__isnull=True,
        )
        .filter(~Exists(answered), ~Exists(declared), ~Exists(experienced))
        .values("tag__slug")
        .annotate(
            name=Min("tag__name"),
            asks=Count("thread_id", distinct=True),
            last=Max("thread__last_activity_at"),
        )
        .order_by("-last", "tag__slug")
    )
    gaps = [
        Gap(
            slug=row["tag__slug"],
            name=areas.get(row["tag__slug"], row["name"]),
            is_area=row["tag__slug"] in areas,
            asks=row["asks"],
            last_asked=row["last"],
        )
        for row in rows[:GAPS_SHOWN]
    ]
    if gaps:
        _suggest_presenters(viewer, gaps)
        _suggest_people(viewer, community, gaps)
    return Gaps(items=gaps, more=max(0, len(rows) - GAPS_SHOWN))


def _mentions(text: str, name: str) -> bool:
    return name.casefold() in (text or "").casefold()


def _suggest_presenters(viewer, gaps: list[Gap]) -> None:
    """Guest presenters of past meetings the viewer may read whose agenda item
    was on the subject (its title or notes name it, or its topic is in the area)."""
    on_subject = Q()
    for gap in gaps:
        on_subject |= Q(title__icontains=gap.name) | Q(notes__icontains=gap.name)
        if gap.is_area:
            on_subject |= Q(topic__area=gap.name)
    was_guest = Membership.objects.filter(
        user_id=OuterRef("presenter"),
        community_id=OuterRef("meeting__community"),
        role=Membership.Role.GUEST_PRESENTER,
    )
    items = list(
        AgendaItem.objects.filter(
            on_subject,
            Exists(was_guest),
            permissions.readable_q(viewer, prefix="meeting__community"),
            presenter__isnull=False,
            presenter__is_active=True,
            meeting__starts_at__lt=timezone.now(),
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("presenter", "presenter__organisation", "meeting__community", "topic")
        .order_by("-meeting__starts_at", "pk")[:SUGGESTION_ROWS]
    )
    profiles = viewable_people(viewer, [item.presenter_id for item in items])
    for gap in gaps:
        seen = set()
        for item in items:
            if len(gap.presenters) >= SUGGESTIONS_PER_GAP:
                break
            about = (
                _mentions(item.title, gap.name)
                or _mentions(item.notes, gap.name)
                or (gap.is_area and item.topic is not None and item.topic.area == gap.name)
            )
            if about and item.presenter_id not in seen:
                seen.add(item.presenter_id)
                gap.presenters.append(
                    PresenterSuggestion(
                        person=item.presenter,
                        item=item,
                        can_view_profile=item.presenter_id in profiles,
                    )
                )


def _suggest_people(viewer, community, gaps: list[Gap]) -> None:
    """Members of the site's other communities who chose to be findable for
    the subject, and whom the viewer may see ("person.view"). Their community
    is named only when the viewer may read it."""
    entries = (
        Expertise.objects.filter(
            permissions.viewable_people_q(viewer, prefix="person"),
            permissions.seated_in_q(),
            findable_elsewhere=True,
            slug__in=[gap.slug for gap in gaps],
        )
        .exclude(community=community)
        .exclude(person_id=viewer.pk)
        .select_related("person", "person__organisation", "community")
        .order_by(_level_rank(), "person__display_name", "pk")[:SUGGESTION_ROWS]
    )
    by_slug = {gap.slug: gap for gap in gaps}
    seen: set[tuple[str, int]] = set()
    for entry in entries:
        gap = by_slug[entry.slug]
        if len(gap.people) >= SUGGESTIONS_PER_GAP or (entry.slug, entry.person_id) in seen:
            continue
        seen.add((entry.slug, entry.person_id))
        readable = permissions.can(viewer, "community.read", entry.community)
        gap.people.append(
            PersonSuggestion(entry=entry, community_name=entry.community.name if readable else "")
        )


# --- Experience members shared in a community -----------------------------------------


def experience_shared_in(viewer, community) -> list[dict]:
    """The catalogue entries members have shared experience of in `community`,
    with how many members: links into "who has used X?". One query."""
    return list(
        _shown_to(viewer)
        .filter(community=community)
        .values("experience__tag__slug", "experience__tag__name")
        .annotate(people=Count("experience__person", distinct=True))
        .order_by("experience__tag__name")
    )


# --- Who has used X? ----------------------------------------------------------------------


@dataclass
class UsedBy:
    person: User
    experience: Experience | None = None
    helpful: list = field(default_factory=list)  # Post
    presented: list = field(default_factory=list)  # AgendaItem
    can_view_profile: bool = True


def who_has_used(viewer, tag: Tag) -> list[UsedBy]:
    """People in the viewer's own communities who have used `tag` (a catalogue
    entry): those with an experience entry for it shown in a community they
    share, the authors of replies marked helpful in threads tagged with it, and
    the presenters of meetings whose records mention it. Experience first,
    those happy to be asked first among them. Five queries."""
    seated = permissions.seated_community_ids(viewer)
    if not seated:
        return []
    people: dict[int, UsedBy] = {}
    experiences = _with_shared_communities(
        viewer,
        visible_experience(viewer)
        .filter(tag=tag)
        .select_related("person", "person__organisation", "tag"),
    ).order_by("-happy_to_be_asked", "person__display_name", "pk")[:USED_BY_ROWS]
    for experience in experiences:
        people[experience.person_id] = UsedBy(person=experience.person, experience=experience)
    replies = (
        Post.objects.filter(
            permissions.readable_posts_q(viewer),
            permissions.seated_in_q(person="author", community="community"),
            community_id__in=seated,
            thread__tags=tag,
            helpful=True,
            position__gt=0,
            removed_at__isnull=True,
            thread__removed_at__isnull=True,
        )
        .select_related("author", "author__organisation", "thread__community", "community")
        .order_by("-created_at", "-pk")[:USED_BY_ROWS]
    )
    for post in replies:
        people.setdefault(post.author_id, UsedBy(person=post.author)).helpful.append(post)
    mentioned = (
        Q(title__icontains=tag.name)
        | Q(notes__icontains=tag.name)
        | Q(meeting__summary_markdown__icontains=tag.name)
    )
    items = (
        AgendaItem.objects.filter(
            mentioned,
            meeting__community_id__in=seated,
            meeting__summary_published_at__isnull=False,
            presenter__isnull=False,
            presenter__is_active=True,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("presenter", "presenter__organisation", "meeting__community")
        .order_by("-meeting__starts_at", "pk")[:USED_BY_ROWS]
    )
    for item in items:
        people.setdefault(item.presenter_id, UsedBy(person=item.presenter)).presented.append(item)
    profiles = viewable_people(viewer, list(people))
    for used in people.values():
        used.can_view_profile = used.person.pk in profiles
    return sorted(
        people.values(),
        key=lambda u: (
            u.experience is None,
            not (u.experience and u.experience.happy_to_be_asked),
            -len(u.helpful),
            u.person.display_name.casefold(),
            u.person.pk,
        ),
    )


# --- Search -----------------------------------------------------------------------------


@dataclass
class ExpertiseHit:
    """One entry that matched: whose it is, on what, and where it is shown."""

    person: User
    kind: str  # "expertise" or "experience"
    subject: str
    detail: str
    communities: list  # Community, all shared with the viewer
    entry: object


def _matching(viewer, text: str, community_slug: str | None):
    """The viewer's visible expertise and experience entries that match
    `text`, in the community `community_slug` only when one is given.

    An entry matches when its subject, its person's name or (experience)
    what it was used for holds `text`, ignoring case: the substring indexes
    of `search_index` find those entries, and the same statement keeps the
    ones the viewer may see, so the plan starts from the matches rather than
    from every entry of the viewer's communities."""
    expertise = visible_expertise(viewer).filter(pk__in=EXPERTISE_INDEX.matching(text))
    # `visible_experience`'s EXISTS, tested on each match only.
    experience = visible_experience(viewer).filter(pk__in=EXPERIENCE_INDEX.matching(text))
    if community_slug:
        expertise = expertise.filter(community__slug=community_slug)
        experience = experience.filter(
            Exists(
                _shown_to(viewer).filter(experience=OuterRef("pk"), community__slug=community_slug)
            )
        )
    return expertise, experience


def _search_text(text) -> str:
    return (cursors.text(" ".join((text or "").split())) or "")[:SEARCH_TEXT_MAX]


def search_expertise(
    viewer, text: str, limit: int = 20, *, offset: int = 0, community_slug: str | None = None
) -> list[ExpertiseHit]:
    """Expertise and experience entries the viewer may see whose subject,
    person or purpose contains `text`: people and their area, tag or catalogue
    entry, expertise first. Confined by `permissions.shared_community_q`."""
    hits, _ = search_expertise_page(
        viewer, text, limit=limit, offset=offset, cap=offset + limit, community_slug=community_slug
    )
    return hits


def search_expertise_page(
    viewer, text: str, *, limit: int, offset: int, cap: int, community_slug: str | None = None
) -> tuple[list[ExpertiseHit], int]:
    """One page of `search_expertise` and how many entries match, counted up
    to `cap` in each kind. The matching is done once per kind, reading ids
    only (the count, the order and the page come from the same rows), then
    the page's entries are fetched by id: five queries at most, and the hits
    and the count see only what the viewer may see."""
    text = _search_text(text)
    if not text or limit <= 0:
        return [], 0
    expertise_rows, experience_rows = _matching(viewer, text, community_slug)
    expertise_ids = list(
        expertise_rows.order_by(_level_rank(), "person__display_name", "pk").values_list(
            "pk", flat=True
        )[:cap]
    )
    experience_ids = list(
        experience_rows.order_by("tag__name", "person__display_name", "pk").values_list(
            "pk", flat=True
        )[:cap]
    )
    count = len(expertise_ids) + len(experience_ids)
    page = [("expertise", pk) for pk in expertise_ids] + [
        ("experience", pk) for pk in experience_ids
    ]
    page = page[offset : offset + limit]
    wanted = {kind: [pk for k, pk in page if k == kind] for kind in ("expertise", "experience")}
    expertise = (
        Expertise.objects.select_related("person", "person__organisation", "community").in_bulk(
            wanted["expertise"]
        )
        if wanted["expertise"]
        else {}
    )
    experience = (
        _with_shared_communities(
            viewer,
            Experience.objects.select_related("person", "person__organisation", "tag"),
        ).in_bulk(wanted["experience"])
        if wanted["experience"]
        else {}
    )
    hits = []
    for kind, pk in page:
        if kind == "expertise":
            entry = expertise[pk]
            hits.append(
                ExpertiseHit(
                    person=entry.person,
                    kind="expertise",
                    subject=entry.subject,
                    detail=entry.get_level_display(),
                    communities=[entry.community],
                    entry=entry,
                )
            )
        else:
            entry = experience[pk]
            hits.append(
                ExpertiseHit(
                    person=entry.person,
                    kind="experience",
                    subject=entry.tag.name,
                    detail=gettext("%(duration)s; recommends: %(recommend)s")
                    % {
                        "duration": entry.get_duration_display(),
                        "recommend": entry.get_recommend_display().lower(),
                    },
                    communities=[shown.community for shown in entry.shared_shown],
                    entry=entry,
                )
            )
    return hits, count
