"""Every change to value stories, prompts and time estimates: one function per
action, the permission check first, then one transaction.

A story may link the conversations, meetings and library items it came
from, but only those of its own community that its author may read: the
service checks every id it is given, so a crafted form cannot link another
community's thread and then read its title on the story's page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.value.currencies import is_currency, normalise
from copse.value.models import Cycle, Sharing, TimeEstimate, ValuePrompt, ValueStory

# A meeting recorded as attended longer ago than this is not asked about:
# a facilitator catching up on last year's attendance should not fill
# everyone's page with questions about meetings they barely remember.
ASK_ABOUT_MEETINGS_WITHIN = dt.timedelta(days=30)

MAX_MONEY = Decimal("9999999999.99")
MAX_HOURS = Decimal("100000")
MAX_MINUTES_PER_WEEK = 60 * 40


class StoryError(UserFacingError):
    title = gettext_lazy("The story could not be saved")
    status = 400


class EstimateError(UserFacingError):
    title = gettext_lazy("The estimate could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


# --- Stories -----------------------------------------------------------------


def _amount(value, places: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal(places))
    except (InvalidOperation, ValueError):
        raise StoryError(_("Give amounts as numbers, such as 2500 or 12.5.")) from None
    if not amount.is_finite():
        raise StoryError(_("Give amounts as numbers, such as 2500 or 12.5."))
    return amount


def _clean(
    *,
    cycle: str,
    title: str,
    story: str,
    money_saved,
    currency: str,
    hours_saved,
    risk_avoided: str,
    sharing: str,
) -> dict:
    """The story's fields as stored, or StoryError saying what to fix."""
    if cycle not in Cycle.values:
        raise StoryError(_("Choose which kind of value it was."))
    if sharing not in Sharing.values:
        raise StoryError(_("Choose who may read the story."))
    title = " ".join((title or "").split())
    if not title:
        raise StoryError(_("Give the story a title: what happened, in a line."))
    if len(title) > 200:
        raise StoryError(_("Keep the title under 200 characters."))
    story = (story or "").replace("\r\n", "\n").strip()
    if not story:
        raise StoryError(_("Tell the story: what happened, and what it changed for you."))
    if len(story) > 10_000:
        raise StoryError(_("Keep the story under 10,000 characters."))
    risk_avoided = " ".join((risk_avoided or "").split())
    if len(risk_avoided) > 300:
        raise StoryError(_("Keep the risk avoided under 300 characters."))
    currency = normalise(currency)
    if money_saved is not None:
        money_saved = _amount(money_saved, "0.01")
        if money_saved < 0 or money_saved > MAX_MONEY:
            raise StoryError(_("Give the money saved as an amount from 0 to 9,999,999,999.99."))
        if not currency:
            raise StoryError(_("Say which currency the money was saved in, such as USD or EUR."))
        if not is_currency(currency):
            raise StoryError(
                _("%(currency)s is not a currency code: use three letters such as USD, EUR or GBP.")
                % {"currency": currency}
            )
    else:
        # A currency without an amount says nothing; it is not kept.
        currency = ""
    if hours_saved is not None:
        hours_saved = _amount(hours_saved, "0.1")
        if hours_saved < 0 or hours_saved > MAX_HOURS:
            raise StoryError(_("Give the hours saved as a number from 0 to 100,000."))
    return {
        "cycle": cycle,
        "title": title,
        "story": story,
        "money_saved": money_saved,
        "currency": currency,
        "hours_saved": hours_saved,
        "risk_avoided": risk_avoided,
        "sharing": sharing,
    }


def _ids(values) -> list[int]:
    try:
        return sorted({int(value) for value in values or ()})
    except (TypeError, ValueError):
        raise StoryError(_("Choose the links from the lists.")) from None


def _linkable(actor, community, *, thread_ids, meeting_ids, library_item_ids):
    """The objects to link, each in `community` and readable by `actor`. One
    refusal for every reason (missing, elsewhere, unreadable), naming
    nothing, so a refused id tells the person nothing about it."""
    from copse.conversations.models import Thread
    from copse.library.models import LibraryItem
    from copse.meetings.models import Meeting

    found = []
    for model, ids, action, refusal in (
        (
            Thread,
            _ids(thread_ids),
            "thread.read",
            gettext_lazy(
                "One of the conversations you chose cannot be linked to a story here: "
                "choose from the lists."
            ),
        ),
        (
            Meeting,
            _ids(meeting_ids),
            "meeting.view",
            gettext_lazy(
                "One of the meetings you chose cannot be linked to a story here: "
                "choose from the lists."
            ),
        ),
        (
            LibraryItem,
            _ids(library_item_ids),
            "library_item.read",
            gettext_lazy(
                "One of the library items you chose cannot be linked to a story here: "
                "choose from the lists."
            ),
        ),
    ):
        rows = list(model.objects.select_related("community").filter(pk__in=ids)) if ids else []
        fine = [
            row
            for row in rows
            if row.community_id == community.pk and permissions.can(actor, action, row)
        ]
        if len(fine) != len(ids):
            raise StoryError(str(refusal))
        found.append(fine)
    return found


def _answer_prompts(actor, story: ValueStory, threads, meetings) -> None:
    """A story about a thread or meeting answers the prompt about it."""
    about = Q(thread__in=threads) if threads else Q(pk__in=[])
    if meetings:
        about |= Q(meeting__in=meetings)
    ValuePrompt.objects.filter(about, user=actor, story__isnull=True).update(story=story)


def record_story(
    *,
    actor,
    community,
    cycle: str,
    title: str,
    story: str,
    money_saved=None,
    currency: str = "",
    hours_saved=None,
    risk_avoided: str = "",
    sharing: str = Sharing.PRIVATE,
    thread_ids=(),
    meeting_ids=(),
    library_item_ids=(),
) -> ValueStory:
    """What taking part gave `actor` in `community`, told by them."""
    if not permissions.can(actor, "community.record_value", community):
        raise NotAllowed(_("Only the community's active members record value stories here."))
    fields = _clean(
        cycle=cycle,
        title=title,
        story=story,
        money_saved=money_saved,
        currency=currency,
        hours_saved=hours_saved,
        risk_avoided=risk_avoided,
        sharing=sharing,
    )
    threads, meetings, items = _linkable(
        actor,
        community,
        thread_ids=thread_ids,
        meeting_ids=meeting_ids,
        library_item_ids=library_item_ids,
    )
    with transaction.atomic():
        written = ValueStory.objects.create(community=community, author=actor, **fields)
        written.threads.set(threads)
        written.meetings.set(meetings)
        written.library_items.set(items)
        _answer_prompts(actor, written, threads, meetings)
    return written


def update_story(
    *,
    actor,
    story: ValueStory,
    cycle: str,
    title: str,
    story_text: str,
    money_saved=None,
    currency: str = "",
    hours_saved=None,
    risk_avoided: str = "",
    sharing: str = Sharing.PRIVATE,
    thread_ids=(),
    meeting_ids=(),
    library_item_ids=(),
) -> ValueStory:
    """The author changes their story; links are checked again as at first."""
    if not permissions.can(actor, "value_story.edit", story):
        raise NotAllowed(_("Only the story's author can change it."))
    fields = _clean(
        cycle=cycle,
        title=title,
        story=story_text,
        money_saved=money_saved,
        currency=currency,
        hours_saved=hours_saved,
        risk_avoided=risk_avoided,
        sharing=sharing,
    )
    threads, meetings, items = _linkable(
        actor,
        story.community,
        thread_ids=thread_ids,
        meeting_ids=meeting_ids,
        library_item_ids=library_item_ids,
    )
    with transaction.atomic():
        for name, value in fields.items():
            setattr(story, name, value)
        story.save()
        story.threads.set(threads)
        story.meetings.set(meetings)
        story.library_items.set(items)
        _answer_prompts(actor, story, threads, meetings)
    return story


def remove_story(*, actor, story: ValueStory) -> ValueStory:
    """The author takes their story back. Kept as a row (its prompt stays
    answered, so it is not asked again), read by nobody."""
    if not permissions.can(actor, "value_story.edit", story):
        raise NotAllowed(_("Only the story's author can remove it."))
    story.removed_at = timezone.now()
    story.save(update_fields=["removed_at", "updated_at"])
    return story


# --- Prompts -----------------------------------------------------------------


def _told_about(user, **about):
    return (
        ValueStory.objects.filter(author=user, removed_at__isnull=True, **about)
        .order_by("pk")
        .first()
    )


def ask_after_helpful(*, post, actor) -> ValuePrompt | None:
    """The asker found a reply helpful: ask them once whether it saved time
    or money. Repeats (unmark, mark again; two requests at once) find the
    same prompt."""
    thread = post.thread
    community = thread.community
    if thread.author_id != getattr(actor, "pk", None):
        return None
    if not permissions.can(actor, "community.record_value", community):
        return None
    prompt, _created = ValuePrompt.objects.get_or_create(
        user=actor,
        thread=thread,
        defaults={
            "community": community,
            "kind": ValuePrompt.Kind.HELPFUL,
            # Already told: asked, and answered.
            "story": _told_about(actor, threads=thread),
        },
    )
    return prompt


def ask_after_meeting(*, meeting, user) -> ValuePrompt | None:
    """`user` was at `meeting`: ask them once, when it is over, whether it
    saved time or money (the prompt shows from the meeting's end)."""
    if meeting.is_cancelled or meeting.ends_at < timezone.now() - ASK_ABOUT_MEETINGS_WITHIN:
        return None
    if not permissions.can(user, "community.record_value", meeting.community):
        return None
    prompt, _created = ValuePrompt.objects.get_or_create(
        user=user,
        meeting=meeting,
        defaults={
            "community": meeting.community,
            "kind": ValuePrompt.Kind.ATTENDED,
            "story": _told_about(user, meetings=meeting),
        },
    )
    return prompt


def dismiss_prompt(*, actor, prompt: ValuePrompt) -> ValuePrompt:
    """ "Not now": never asked about this again."""
    if prompt.user_id != getattr(actor, "pk", None):
        raise NotAllowed(_("That question was not for you."))
    if prompt.dismissed_at is None:
        prompt.dismissed_at = timezone.now()
        prompt.save(update_fields=["dismissed_at"])
    return prompt


# --- Time ----------------------------------------------------------------------


def set_time_estimate(*, actor, community, minutes_per_week: int) -> TimeEstimate:
    """The person's own estimate of the reading and writing time the
    community takes them each week, beside the meetings they attend."""
    if not permissions.can(actor, "community.record_value", community):
        raise NotAllowed(_("Only the community's active members keep a time estimate here."))
    if minutes_per_week is None or not 0 <= int(minutes_per_week) <= MAX_MINUTES_PER_WEEK:
        raise EstimateError(_("Give the minutes a week as a number from 0 to 2,400 (40 hours)."))
    estimate, _created = TimeEstimate.objects.update_or_create(
        user=actor, community=community, defaults={"minutes_per_week": int(minutes_per_week)}
    )
    return estimate
