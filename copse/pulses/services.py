"""Every change to trust pulses: scheduling, cancelling and answering.

Answering writes, in one transaction, that the person answered
(`Respondent`, unique per pulse and person) and what they answered
(`PulseAnswer`, which names nobody and holds no time), and counts them. It
is never logged, audited or notified: only scheduling and cancelling are
in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.audit.services import record
from copse.communities.models import Community
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.pulses import tasks
from copse.pulses.closing import pending_pulse
from copse.pulses.models import Pulse, PulseAnswer, Respondent
from copse.pulses.statements import (
    LONGEST_OPEN_DAYS,
    MINIMUM_RESPONDENTS,
    REPEAT_CHOICES,
    STATEMENTS,
)

MOST_RESPONDENTS = 1000
OPEN_QUESTION_LENGTH = 300
OPEN_ANSWER_LENGTH = 2000
ALREADY_ANSWERED = gettext_lazy("You have already answered this pulse. Thank you!")


class PulseError(UserFacingError):
    title = gettext_lazy("The pulse could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


class AlreadyAnswered(UserFacingError):
    title = gettext_lazy("You have already answered")
    status = 400


def _check_schedule(
    *,
    opens_on: dt.date,
    closes_on: dt.date,
    min_respondents: int,
    repeat_every_months: int,
    today: dt.date,
) -> None:
    if opens_on < today:
        raise PulseError(_("A pulse cannot open in the past: choose today or a later day."))
    if closes_on <= opens_on:
        raise PulseError(
            _("Close the pulse after the day it opens, so people have time to answer.")
        )
    if (closes_on - opens_on).days > LONGEST_OPEN_DAYS:
        raise PulseError(
            _("Keep a pulse open for at most %(days)d days, so its answers describe one moment.")
            % {"days": LONGEST_OPEN_DAYS}
        )
    if min_respondents is None or min_respondents < MINIMUM_RESPONDENTS:
        raise PulseError(
            _(
                "Results need at least %(minimum)d answers, so that no answer "
                "points to anyone: set %(minimum)d or more."
            )
            % {"minimum": MINIMUM_RESPONDENTS}
        )
    if min_respondents > MOST_RESPONDENTS:
        raise PulseError(_("Set at most %(most)d answers.") % {"most": MOST_RESPONDENTS})
    if repeat_every_months not in dict(REPEAT_CHOICES):
        raise PulseError(_("Choose how often the pulse repeats, or once."))


def _clean_question(open_question: str) -> str:
    question = " ".join((open_question or "").split())
    if not question:
        raise PulseError(_("Write the open question people may answer in their own words."))
    if len(question) > OPEN_QUESTION_LENGTH:
        raise PulseError(
            _("Keep the open question under %(length)d characters.")
            % {"length": OPEN_QUESTION_LENGTH}
        )
    return question


def _already_pending(pulse: Pulse) -> str:
    if pulse.is_open:
        return _(
            "A trust pulse is already open here, until %(day)s. "
            "There is one at a time: wait until it closes, or cancel it first."
        ) % {"day": formats.date_format(pulse.closes_on, "j F Y")}
    return _(
        "A trust pulse is already scheduled here, from %(day)s. "
        "There is one at a time: change its dates by cancelling it and scheduling again."
    ) % {"day": formats.date_format(pulse.opens_on, "j F Y")}


def schedule_pulse(
    *,
    actor,
    community: Community,
    opens_on: dt.date,
    closes_on: dt.date,
    open_question: str,
    min_respondents: int = MINIMUM_RESPONDENTS,
    repeat_every_months: int = 0,
) -> Pulse:
    """A pulse that opens on `opens_on` (today or later) and closes at the end
    of `closes_on`. One at a time per community: the community row is locked
    while the others are looked at."""
    if not permissions.can(actor, "community.schedule_pulse", community):
        raise NotAllowed(_("Only the community's facilitators schedule trust pulses."))
    today = timezone.localdate()
    _check_schedule(
        opens_on=opens_on,
        closes_on=closes_on,
        min_respondents=min_respondents,
        repeat_every_months=repeat_every_months,
        today=today,
    )
    question = _clean_question(open_question)
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        pending = pending_pulse(community, today)
        if pending is not None:
            raise PulseError(_already_pending(pending))
        pulse = Pulse.objects.create(
            community=community,
            opens_on=opens_on,
            closes_on=closes_on,
            open_question=question,
            min_respondents=min_respondents,
            repeat_every_months=repeat_every_months,
            scheduled_by=actor,
        )
        record(
            actor=actor,
            action="pulse.scheduled",
            community=community,
            pulse=pulse.pk,
            opens_on=opens_on.isoformat(),
            closes_on=closes_on.isoformat(),
            min_respondents=min_respondents,
            repeat_every_months=repeat_every_months,
        )
        pk = pulse.pk
        transaction.on_commit(lambda: tasks.plan(pk, opens_on, closes_on))
    return pulse


def cancel_pulse(*, actor, pulse: Pulse) -> Pulse:
    """Cancel a pulse before it closes: it never shows results, the answers
    given so far are deleted, and it does not repeat."""
    if not permissions.can(actor, "pulse.manage", pulse):
        raise NotAllowed(_("Only the community's facilitators cancel trust pulses."))
    with transaction.atomic():
        locked = Pulse.objects.select_for_update().select_related("community").get(pk=pulse.pk)
        if locked.cancelled_at is not None:
            raise PulseError(_("This pulse is already cancelled."))
        if locked.has_closed:
            raise PulseError(_("This pulse has closed; it can no longer be cancelled."))
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        deleted, _by_model = PulseAnswer.objects.filter(pulse=locked).delete()
        record(
            actor=actor,
            action="pulse.cancelled",
            community=locked.community,
            pulse=locked.pk,
            answers_deleted=deleted,
        )
    return locked


def _why_not_answer(actor, pulse: Pulse) -> str:
    if pulse.cancelled_at is not None:
        return _("This pulse was cancelled.")
    if pulse.has_closed:
        return _("This pulse has closed, so it takes no more answers.")
    if not pulse.is_open:
        return _("This pulse opens on %(day)s.") % {
            "day": formats.date_format(pulse.opens_on, "j F Y")
        }
    standing = permissions.standing(actor, pulse.community)
    if standing.is_seated and standing.membership.status == "on_leave":
        return _("You are on leave from this community. Come back from leave to answer.")
    return _("Only members of this community answer its trust pulse.")


def _clean_scores(scores: Sequence) -> tuple[int, ...]:
    try:
        cleaned = tuple(int(score) for score in scores)
    except (TypeError, ValueError):
        cleaned = ()
    if len(cleaned) != len(STATEMENTS) or any(not 1 <= score <= 5 for score in cleaned):
        raise PulseError(_("Answer each of the five statements, from 1 to 5."))
    return cleaned


def answer_pulse(*, actor, pulse: Pulse, scores: Sequence[int], open_answer: str = "") -> None:
    """Save one person's answer, once. Returns nothing, so no caller ever
    holds the answer row beside the person."""
    if not permissions.can(actor, "pulse.answer", pulse):
        raise NotAllowed(_why_not_answer(actor, pulse))
    cleaned = _clean_scores(scores)
    text = (open_answer or "").strip()
    if len(text) > OPEN_ANSWER_LENGTH:
        raise PulseError(
            _("Keep your answer to the open question under %(length)d characters.")
            % {"length": OPEN_ANSWER_LENGTH}
        )
    with transaction.atomic():
        # Answers to one pulse are written one at a time, as sealing its
        # answers locks the row too.
        locked = Pulse.objects.select_for_update().get(pk=pulse.pk)
        if not locked.is_open:
            raise PulseError(_why_not_answer(actor, locked))
        try:
            with transaction.atomic():
                Respondent.objects.create(pulse=locked, user=actor)
        except IntegrityError:
            raise AlreadyAnswered(ALREADY_ANSWERED) from None
        PulseAnswer.objects.create(
            pulse=locked,
            statement_1=cleaned[0],
            statement_2=cleaned[1],
            statement_3=cleaned[2],
            statement_4=cleaned[3],
            statement_5=cleaned[4],
            open_answer=text,
        )
        Pulse.objects.filter(pk=locked.pk).update(respondent_count=F("respondent_count") + 1)
