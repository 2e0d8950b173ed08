"""Proposals by mail: how their notices are written, and answering a
proposal by replying to its mail.

A notice that asks for a position (`proposal`, `proposal_nudge`) carries a
personal Reply-To, `decide+<token>@domain`, for the recipient, the proposal
and the revision they were shown (`mailing.answers`). Mailing checks the
token and that the From address is its owner's; `answer_by_mail` does the
rest: it reads the first line ("agree", "abstain", "disagree" or "block",
or in French "d'accord", "abstention", "pas d'accord", "objection" or
"bloque") and the reason under it (`read_answer`), asks the permission core again,
and saves through `services.take_position`, as the page does. Whatever it
refuses, nothing is saved and the answer mail says what to do instead.

`register` is called by `DecisionsConfig.ready`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.languages import in_language_of, language_of
from copse.decisions.models import Position, Proposal
from copse.mailing import addresses, answers, notices

ADDRESS = "decide"
# The same limit as the page's reason field (Position.reason).
MAX_REASON = 4000
ASKING_KINDS = ("proposal", "proposal_nudge")

STANCE_WORDS = {
    "agree": Position.Stance.AGREE,
    "agreed": Position.Stance.AGREE,
    "abstain": Position.Stance.ABSTAIN,
    "disagree": Position.Stance.DISAGREE,
    "block": Position.Stance.BLOCK,
    # The same in French, whatever language the mail was written in.
    "d'accord": Position.Stance.AGREE,
    "abstention": Position.Stance.ABSTAIN,
    "pas d'accord": Position.Stance.DISAGREE,
    "objection": Position.Stance.BLOCK,
    "bloque": Position.Stance.BLOCK,
}
# The first line: any punctuation or emphasis, an optional "I" (or "je",
# "je suis"), the word, then either nothing but punctuation, or punctuation
# and the reason begun on the same line ("Block: the budget is spent").
# "I agree with…" is not read: the word must end the statement, so "agree
# with the block" never counts as agreement. "Pas d'accord" is tried before
# "d'accord", and either apostrophe is read.
_FIRST_LINE = re.compile(
    r"^[\W_]*(?:(?:i|je(?:\s+suis)?)\s+)?"
    r"(?P<word>agreed|agree|abstain|disagree|block"
    r"|pas\s+d['’]accord|d['’]accord|abstention|objection|bloque)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# What may stand between the word and a reason begun on the same line, and
# what around the word is only emphasis or quoting.
SEPARATORS = ".,;:!?-–—_*~ \t"
DECORATION = SEPARATORS + "\"'“”‘’()[]<>"

HOW_TO_ANSWER = gettext_lazy(
    'Reply with one word on the first line: "agree", "abstain", "disagree" or "block". '
    "Write your reason on the lines below it; a block needs one."
)


def _stance(word: str) -> str:
    return STANCE_WORDS[" ".join(word.lower().replace("’", "'").split())]


@dataclass(frozen=True)
class Reading:
    """What the first lines of an answer say: a stance and a reason, or the
    problem that keeps it from being read (then stance is "")."""

    stance: str = ""
    reason: str = ""
    problem: str = ""
    # What the problem is, without the person's words, for the inbound log.
    why: str = ""


def read_answer(text: str) -> Reading:
    """The stance on the first line the person wrote, and the reason from the
    rest of that line and the lines below it. Quotes and signatures are
    already gone (`mailing.quoting.trim`)."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return Reading(
            problem=_("Your reply was empty. %(how)s") % {"how": HOW_TO_ANSWER}, why="empty"
        )
    first = lines[0].strip()
    found = _FIRST_LINE.match(first)
    inline = ""
    if found is not None:
        rest = found.group("rest").strip()
        if rest.strip(DECORATION):
            if rest[0] not in DECORATION:
                found = None  # "agree with…", "blocking", "agreement"
            else:
                inline = rest.lstrip(SEPARATORS).strip()
    if found is None:
        return Reading(
            problem=_("Copse could not read your position on the first line of your reply. %(how)s")
            % {"how": HOW_TO_ANSWER},
            why="unreadable",
        )
    stance = _stance(found.group("word"))
    reason = "\n".join([inline, *lines[1:]]).strip()
    if len(reason) > MAX_REASON:
        return Reading(
            problem=_(
                "Your reason is longer than %(max)s characters. Shorten it and "
                "reply again, or answer on the proposal's page."
            )
            % {"max": MAX_REASON},
            why="a reason too long",
        )
    if stance == Position.Stance.BLOCK and not reason:
        return Reading(
            problem=_(
                "A block needs a reason: it stops the proposal, so the others need to "
                'know why to answer it. Reply again with "block" on the first line and your '
                "reason on the lines below."
            ),
            why="a block without a reason",
        )
    return Reading(stance=stance, reason=reason)


# --- Answering by mail ------------------------------------------------------------


def _url(proposal: Proposal) -> str:
    return settings.BASE_URL + proposal.get_absolute_url()


def _refused(user, reason: str, problem: str, url: str = "") -> answers.Answer:
    return answers.Answer(
        saved=False,
        reason=reason,
        template="decisions/mail/answer_refused",
        context={"problem": problem, "url": url, "language": language_of(user)},
    )


def answer_by_mail(*, user, object_id: int, state: int, text: str) -> answers.Answer:
    """Save `user`'s position on proposal `object_id` from the words of their
    reply, or refuse and say why. Mailing has checked the token and the From
    address; the answer mail goes only to the owner's own address, so it may
    say what happened, but names neither the proposal nor its community. It
    is written in the owner's language: the words here, and the templates
    through the context's `language`."""
    with in_language_of(user):
        return _answer_by_mail(user=user, object_id=object_id, state=state, text=text)


def _answer_by_mail(*, user, object_id: int, state: int, text: str) -> answers.Answer:
    proposal = Proposal.objects.select_related("community").filter(pk=object_id).first()
    if proposal is None or not permissions.can(user, "proposal.read", proposal):
        return _refused(
            user,
            "may no longer read the proposal",
            _(
                "Only active members of a community answer its proposals, and you are not one "
                "of them now."
            ),
        )
    url = _url(proposal)
    if proposal.status != Proposal.Status.OPEN or proposal.deadline <= timezone.now():
        return _refused(
            user,
            f"proposal {proposal.pk} has closed",
            _(
                "This proposal has closed, so positions can no longer change. Its page says how "
                "it ended."
            ),
            url,
        )
    if state != proposal.revision:
        return _refused(
            user,
            f"proposal {proposal.pk} was revised since the mail",
            _(
                "The proposal was revised after this mail was sent, so your answer would be to a "
                "text that has changed. Read the new version and answer on its page."
            ),
            url,
        )
    reading = read_answer(text)
    if reading.problem:
        return _refused(user, f"{reading.why} on proposal {proposal.pk}", reading.problem, url)
    if not permissions.can(user, "proposal.answer", proposal):
        return _refused(
            user,
            f"may not answer proposal {proposal.pk}",
            _(
                "You cannot answer this proposal now: only active members answer, and a "
                "member on leave, or one who has not yet accepted the current norms, answers "
                "once back."
            ),
            url,
        )
    from copse.decisions.services import take_position

    try:
        position = take_position(
            actor=user,
            proposal=proposal,
            stance=reading.stance,
            reason=reading.reason,
            by_mail=True,
        )
    except UserFacingError as error:
        return _refused(user, f"refused: {type(error).__name__}", str(error.message), url)
    return answers.Answer(
        saved=True,
        reason=f"position {position.stance} on proposal {proposal.pk}",
        template="decisions/mail/answered",
        context={
            "stance": position.get_stance_display().lower(),
            "url": url,
            "has_reason": bool(position.reason),
            "language": language_of(user),
        },
    )


# --- Notices ----------------------------------------------------------------------


def proposal_reply_to(recipient, notification, proposal, version: int) -> str:
    """Only a notice that asks for an answer, to someone who may answer now."""
    if notification.kind not in ASKING_KINDS:
        return ""
    if proposal.status != Proposal.Status.OPEN or proposal.deadline <= timezone.now():
        return ""
    if not permissions.can(recipient, "proposal.answer", proposal):
        return ""
    return addresses.answer_address(
        ADDRESS, user=recipient, object_id=proposal.pk, state=proposal.revision, version=version
    )


def proposal_context(notification, proposal, level: str) -> dict:
    """What the full mail shows: the text, the deadline, and for a closed
    proposal how people answered."""
    from copse.decisions.voters import current_tally

    context = {
        "proposal": proposal,
        "asks": notification.kind in ASKING_KINDS,
        "deadline": timezone.localtime(proposal.deadline),
        "proposer": proposal.proposed_by,
    }
    if notification.kind in ("decided", "proposal_closed"):
        context["tally"] = current_tally(proposal)
    return context


def poll_context(notification, poll, level: str) -> dict:
    return {
        "poll": poll,
        "options": [timezone.localtime(option.starts_at) for option in poll.options.all()],
    }


def register() -> None:
    answers.register(ADDRESS, answer_by_mail)
    notices.register(
        "decisions.proposal",
        notices.NoticeMail(
            template="decisions/mail/proposal",
            context=proposal_context,
            reply_to=proposal_reply_to,
        ),
    )
    notices.register(
        "decisions.datepoll",
        notices.NoticeMail(template="decisions/mail/date_poll", context=poll_context),
    )
    notices.register(
        "decisions.normsreview", notices.NoticeMail(template="decisions/mail/norms_review")
    )
