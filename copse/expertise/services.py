"""Every change to who knows what: one function per action a person takes on
their own expertise and experience.

Each checks permission first through copse.core.permissions (a person changes
only their own entries, and shows them only in communities they sit in) and
writes in one transaction. Nothing here is audited: these are things people
say about themselves, and they can take them back at any time.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.communities.models import Community
from copse.conversations.models import Tag
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.expertise.models import (
    EXPERIENCE_KINDS,
    Experience,
    ExperienceShown,
    Expertise,
    Level,
    subject_slug,
)

MAX_TAG = 60
MAX_PURPOSE = 300
MAX_NOTE = 1000


class ExpertiseError(UserFacingError):
    title = gettext_lazy("That could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 404


def _clean_line(text: str) -> str:
    return " ".join(without_control_characters(text or "").split())


def _require_own(actor, entry) -> None:
    if not permissions.can(actor, "expertise.edit", entry):
        # The same answer as for an entry that does not exist.
        raise NotAllowed(_("There is no such entry of yours."))


def _clean_level(level: str) -> str:
    if level not in Level.values:
        raise ExpertiseError(_("Choose a level: learning, practising or expert."))
    return level


def _subject(community: Community, area: str, tag: str) -> tuple[str, str, str]:
    """(area, tag, slug): exactly one of a topic area of `community` or a free tag."""
    area, tag = _clean_line(area), _clean_line(tag)
    if area and tag:
        raise ExpertiseError(_("Choose a topic area or name a subject, not both."))
    if area:
        areas = [str(a) for a in (community.topic_areas or [])]
        if area not in areas:
            if areas:
                raise ExpertiseError(
                    _("Choose one of this community's topic areas: %(areas)s.")
                    % {"areas": ", ".join(areas)}
                )
            raise ExpertiseError(
                _("Choose one of this community's topic areas; it names none, so name a subject.")
            )
        return area, "", subject_slug(area)
    if not tag:
        raise ExpertiseError(_("Choose a topic area or name a subject."))
    if len(tag) > MAX_TAG:
        raise ExpertiseError(_("A subject is at most %(count)s characters.") % {"count": MAX_TAG})
    slug = subject_slug(tag)
    if not slug:
        raise ExpertiseError(_("Name the subject with at least one letter or number."))
    return "", tag, slug


def declare_expertise(
    *,
    actor,
    community: Community,
    area: str = "",
    tag: str = "",
    level: str,
    findable_elsewhere: bool = False,
) -> Expertise:
    """Add what `actor` knows in `community`; naming a subject they already
    listed there changes its level instead of listing it twice."""
    if not permissions.can(actor, "community.show_expertise", community):
        raise NotAllowed(_("You can list expertise only in communities you are a member of."))
    area, tag, slug = _subject(community, area, tag)
    level = _clean_level(level)
    with transaction.atomic():
        entry, created = Expertise.objects.select_for_update().get_or_create(
            person=actor,
            community=community,
            slug=slug,
            defaults={
                "area": area,
                "tag": tag,
                "level": level,
                "findable_elsewhere": findable_elsewhere,
            },
        )
        if not created:
            entry.level = level
            entry.findable_elsewhere = findable_elsewhere
            entry.save(update_fields=["level", "findable_elsewhere", "updated_at"])
    return entry


def update_expertise(*, actor, entry: Expertise, level: str, findable_elsewhere: bool) -> Expertise:
    _require_own(actor, entry)
    level = _clean_level(level)
    with transaction.atomic():
        entry.level = level
        entry.findable_elsewhere = findable_elsewhere
        entry.save(update_fields=["level", "findable_elsewhere", "updated_at"])
    return entry


def remove_expertise(*, actor, entry: Expertise) -> None:
    _require_own(actor, entry)
    with transaction.atomic():
        entry.delete()


def _catalogue_entry(tag: Tag | None) -> Tag:
    if tag is None or tag.community_id is not None or tag.kind not in EXPERIENCE_KINDS:
        raise ExpertiseError(_("Choose a vendor, product or technology from the catalogue."))
    return tag


def _communities_to_show(actor, communities: Iterable[Community]) -> list[Community]:
    chosen = {c.pk: c for c in communities}.values()
    for community in chosen:
        if not permissions.can(actor, "community.show_expertise", community):
            raise ExpertiseError(
                _("You can show your experience only in communities you are a member of.")
            )
    return list(chosen)


def save_experience(
    *,
    actor,
    tag: Tag | None,
    duration: str,
    purpose: str,
    recommend: str,
    recommend_note: str = "",
    happy_to_be_asked: bool = False,
    communities: Iterable[Community] = (),
    experience: Experience | None = None,
) -> Experience:
    """Add `actor`'s experience with a catalogue entry, or change `experience`.

    It is shown in exactly `communities`: those the person sits in. Where it was
    shown in a community the person has since left, it stops being shown
    there (it was out of sight already)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotAllowed(_("Sign in first."))
    if experience is not None:
        _require_own(actor, experience)
    tag = _catalogue_entry(tag)
    if duration not in Experience.Duration.values:
        raise ExpertiseError(_("Say how long you have used it."))
    if recommend not in Experience.Recommend.values:
        raise ExpertiseError(_("Say whether you would recommend it: yes, no, or with caveats."))
    purpose = _clean_line(purpose)
    if not purpose:
        raise ExpertiseError(_("Say what you used it for, in a few words."))
    if len(purpose) > MAX_PURPOSE:
        raise ExpertiseError(
            _("“What for” is at most %(count)s characters.") % {"count": MAX_PURPOSE}
        )
    note = without_control_characters(recommend_note).strip()
    if len(note) > MAX_NOTE:
        raise ExpertiseError(
            _("The note is %(count)s characters; the limit is %(limit)s.")
            % {
                "count": number_format(len(note), force_grouping=True),
                "limit": number_format(MAX_NOTE, force_grouping=True),
            }
        )
    shown = _communities_to_show(actor, communities)
    with transaction.atomic():
        same = Experience.objects.filter(person=actor, tag=tag)
        if experience is not None:
            same = same.exclude(pk=experience.pk)
        if same.exists():
            raise ExpertiseError(
                _("You already have an entry for %(name)s: change that one instead.")
                % {"name": tag.name}
            )
        if experience is None:
            experience = Experience(person=actor)
        experience.tag = tag
        experience.duration = duration
        experience.purpose = purpose
        experience.recommend = recommend
        experience.recommend_note = note
        experience.happy_to_be_asked = happy_to_be_asked
        experience.save()
        ExperienceShown.objects.filter(experience=experience).exclude(
            community__in=[c.pk for c in shown]
        ).delete()
        have = set(
            ExperienceShown.objects.filter(experience=experience).values_list(
                "community_id", flat=True
            )
        )
        ExperienceShown.objects.bulk_create(
            ExperienceShown(experience=experience, community=c) for c in shown if c.pk not in have
        )
    return experience


def remove_experience(*, actor, experience: Experience) -> None:
    _require_own(actor, experience)
    with transaction.atomic():
        experience.delete()
