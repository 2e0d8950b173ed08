"""Norms written together: a member proposes an amendment to one section of
the current norms, others comment, and it is adopted by a facilitator (where
the community allows it) or by a norms-change proposal.

A section is a Markdown heading of the current version and the lines under
it, up to the next heading; the text before the first heading is a section
without a heading. An amendment names its section by the heading as it
reads in the version it was written against (`base_version`); a heading the
norms do not have yet is a new section, added at the end. Once the norms
move on, an amendment written against the older version cannot be adopted
as it is: its author redoes it against the current text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.markdown import without_control_characters
from copse.decisions.models import Amendment, AmendmentComment, Proposal

MAX_HEADING = 200
MAX_TEXT = 20000
MAX_NOTE = 4000
MAX_COMMENT = 4000
CHANGE_NOTE_LIMIT = 300
# The list shows every open amendment and this many of the decided ones.
DECIDED_SHOWN = 30

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


class AmendmentError(UserFacingError):
    title = gettext_lazy("The amendment could not be saved")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


# --- Sections: pure ------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    heading: str  # "" for the text before the first heading
    level: int  # 0 for the text before the first heading
    start: int  # index of the heading line (or 0)
    body_start: int  # first line under the heading
    end: int  # one past the last line

    def text_of(self, lines: list[str]) -> str:
        return "\n".join(lines[self.body_start : self.end]).strip("\n")


def sections(body: str) -> list[Section]:
    """The sections of `body`, in order. Lines in fenced code blocks are never
    headings. The untitled section before the first heading is listed only
    when it has text."""
    lines = body.splitlines()
    found: list[tuple[int, int, str]] = []
    fence = ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        match = _HEADING.match(line)
        if match and match.group(2):
            found.append((index, len(match.group(1)), match.group(2)))
    result = []
    first = found[0][0] if found else len(lines)
    if any(line.strip() for line in lines[:first]):
        result.append(Section("", 0, 0, 0, first))
    for n, (index, level, heading) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(lines)
        result.append(Section(heading, level, index, index + 1, end))
    return result


def find_section(body: str, heading: str) -> Section | None:
    wanted = _normal(heading)
    return next((s for s in sections(body) if _normal(s.heading) == wanted), None)


def section_text(body: str, heading: str) -> str:
    """What the section says now; empty for a section the norms do not have."""
    found = find_section(body, heading)
    return found.text_of(body.splitlines()) if found else ""


def with_section(body: str, heading: str, text: str) -> str:
    """`body` with the section under `heading` reading `text`; a heading the
    body does not have becomes a new second-level section at the end."""
    lines = body.splitlines()
    text = text.strip("\n")
    found = find_section(body, heading)
    if found is None:
        tail = "\n".join(lines).rstrip("\n")
        return f"{tail}\n\n## {heading.strip()}\n\n{text}\n".lstrip("\n")
    replacement = ([""] if found.level else []) + text.splitlines()
    if found.end < len(lines):
        replacement.append("")
    new = lines[: found.body_start] + replacement + lines[found.end :]
    return "\n".join(new).rstrip("\n") + "\n"


def _normal(heading: str) -> str:
    return " ".join(heading.split()).casefold()


# --- Reads -----------------------------------------------------------------------------


def _current(community):
    from copse.norms.selectors import current_norms

    return current_norms(community)


def is_stale(amendment: Amendment) -> bool:
    """Written against a version that is no longer the current one."""
    return amendment.base_version != amendment.community.norms_version


def amendment_for(viewer, community, amendment_id: int, action: str = "amendment.read"):
    amendment = (
        Amendment.objects.select_related("proposed_by", "decided_by")
        .filter(pk=amendment_id, community=community)
        .first()
    )
    if amendment is None:
        raise Http404
    amendment.community = community
    permissions.require_or_404(viewer, action, amendment)
    return amendment


@dataclass
class AmendmentList:
    open: list
    decided: list


def amendment_list(viewer, community) -> AmendmentList:
    """Open amendments first, then the latest decided ones; two queries."""
    permissions.require_or_404(viewer, "community.view_decisions", community)
    rows = list(
        Amendment.objects.filter(community=community)
        .select_related("proposed_by")
        .annotate(comment_count=Count("comments"))
        .filter(
            Q(status=Amendment.Status.OPEN)
            | Q(status=Amendment.Status.PROPOSED)
            | Q(
                pk__in=Amendment.objects.filter(community=community)
                .exclude(status__in=(Amendment.Status.OPEN, Amendment.Status.PROPOSED))
                .order_by("-created_at", "-id")
                .values("pk")[:DECIDED_SHOWN]
            )
        )
        .order_by("-created_at", "-id")
    )
    for row in rows:
        row.community = community
    waiting = (Amendment.Status.OPEN, Amendment.Status.PROPOSED)
    return AmendmentList(
        open=[r for r in rows if r.status in waiting],
        decided=[r for r in rows if r.status not in waiting],
    )


@dataclass
class AmendmentView:
    amendment: Amendment
    comments: list
    current: object  # NormsVersion or None
    stale: bool
    before: str  # the section as it reads now
    after: str  # the whole norms as they would read
    diff: list
    proposals: list
    new_section: bool


def amendment_view(amendment: Amendment) -> AmendmentView:
    from copse.norms.selectors import diff_lines

    current = _current(amendment.community)
    body = current.body if current else ""
    after = with_section(body, amendment.section, amendment.text)
    proposals = list(
        Proposal.objects.filter(amendment=amendment).only(
            "pk", "title", "status", "community_id", "created_at"
        )
    )
    for proposal in proposals:
        proposal.community = amendment.community
    return AmendmentView(
        amendment=amendment,
        comments=list(amendment.comments.select_related("author", "author__organisation")),
        current=current,
        stale=is_stale(amendment),
        before=section_text(body, amendment.section),
        after=after,
        diff=diff_lines(body, after),
        proposals=proposals,
        new_section=find_section(body, amendment.section) is None,
    )


def section_choices(community) -> list[tuple[str, str]]:
    """The sections of the current norms as (heading, label), for the form."""
    current = _current(community)
    if current is None:
        return []
    return [
        (s.heading, s.heading or gettext("The opening, before the first heading"))
        for s in sections(current.body)
    ]


# --- Writes ----------------------------------------------------------------------------


def _clean_heading(heading: str) -> str:
    heading = " ".join(without_control_characters(heading or "").split()).strip("# ")
    if len(heading) > MAX_HEADING:
        raise AmendmentError(
            gettext("Keep the heading under %(max)s characters.") % {"max": MAX_HEADING}
        )
    return heading


def propose_amendment(
    *, actor, community, section: str, text: str, note: str, replaces: Amendment | None = None
) -> Amendment:
    """A member proposes new text for one section of the current norms (or a
    new section). `replaces`: an amendment of theirs written against an older
    version, redone now and withdrawn."""
    if not permissions.can(actor, "community.propose_amendment", community):
        raise NotAllowed(
            gettext("Only active members who accepted the current norms propose amendments.")
        )
    current = _current(community)
    if current is None:
        raise AmendmentError(
            gettext(
                "This community has no written norms yet: its facilitators write the first version."
            )
        )
    section = _clean_heading(section)
    text = (text or "").strip()
    note = (note or "").strip()
    if not text:
        raise AmendmentError(gettext("Write the section as it would read."))
    if len(text) > MAX_TEXT:
        raise AmendmentError(
            gettext("Keep the section under %(max)s characters.") % {"max": MAX_TEXT}
        )
    if len(note) > MAX_NOTE:
        raise AmendmentError(
            gettext("Keep the reason under %(max)s characters.") % {"max": MAX_NOTE}
        )
    if not note:
        raise AmendmentError(
            gettext("Say why: the others comment on your reasons as much as your words.")
        )
    if find_section(current.body, section) is None and not section:
        raise AmendmentError(gettext("Give the new section a heading."))
    if find_section(current.body, section) is not None and (
        section_text(current.body, section).strip() == text
    ):
        raise AmendmentError(gettext("Nothing changed: that is what the section says now."))
    if replaces is not None and not permissions.can(actor, "amendment.withdraw", replaces):
        raise NotAllowed(gettext("Only its author or a facilitator redoes an amendment."))
    with transaction.atomic():
        amendment = Amendment.objects.create(
            community=community,
            proposed_by=actor,
            section=section,
            base_version=current.number,
            text=text,
            note=note,
        )
        if replaces is not None:
            Amendment.objects.filter(pk=replaces.pk, status=Amendment.Status.OPEN).update(
                status=Amendment.Status.WITHDRAWN, decided_at=timezone.now()
            )
        record(
            actor=actor,
            action="amendment.proposed",
            community=community,
            amendment=amendment.pk,
            section=section,
            replaces=replaces.pk if replaces else None,
        )
    return amendment


def comment(*, actor, amendment: Amendment, body: str) -> AmendmentComment:
    if not permissions.can(actor, "amendment.comment", amendment):
        raise NotAllowed(gettext("Active members comment on an amendment while it is open."))
    body = (body or "").strip()
    if not body:
        raise AmendmentError(gettext("Write your comment first."))
    if len(body) > MAX_COMMENT:
        raise AmendmentError(
            gettext("Keep a comment under %(max)s characters.") % {"max": MAX_COMMENT}
        )
    return AmendmentComment.objects.create(amendment=amendment, author=actor, body=body)


def _locked(amendment: Amendment) -> Amendment:
    locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
    locked.community = amendment.community
    return locked


def _refuse_if_stale(amendment: Amendment) -> None:
    if is_stale(amendment):
        raise AmendmentError(
            gettext(
                "This amendment was written against version %(version)s of the norms; "
                "they are now at version %(current)s. "
                "Its author redoes it against the current text first."
            )
            % {"version": amendment.base_version, "current": amendment.community.norms_version}
        )


def change_note(amendment: Amendment) -> str:
    """Kept on the new version for every member: in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        author = amendment.proposed_by.name if amendment.proposed_by else gettext("a former member")
        if amendment.section:
            note = gettext("Amendment %(number)s to “%(section)s”, proposed by %(author)s") % {
                "number": amendment.pk,
                "section": amendment.section,
                "author": author,
            }
        else:
            note = gettext("Amendment %(number)s to the opening, proposed by %(author)s") % {
                "number": amendment.pk,
                "author": author,
            }
    if len(note) > CHANGE_NOTE_LIMIT:
        note = note[: CHANGE_NOTE_LIMIT - 1] + "…"
    return note


def adopt(*, actor, amendment: Amendment):
    """A facilitator adopts it directly, where the community allows it: a new
    norms version with a change note naming the amendment and its author.
    Members accept it as they accept any new version."""
    from copse.norms.services import publish_norms

    if not permissions.can(actor, "amendment.adopt", amendment):
        raise NotAllowed(
            gettext("Here amendments are adopted by the members, through a norms-change proposal.")
            if not amendment.community.facilitators_adopt_amendments
            else gettext("Only a facilitator adopts an open amendment.")
        )
    with transaction.atomic():
        locked = _locked(amendment)
        locked.community.refresh_from_db(fields=["norms_version"])
        if locked.status != Amendment.Status.OPEN:
            raise AmendmentError(gettext("This amendment is no longer open."))
        _refuse_if_stale(locked)
        current = _current(locked.community)
        version = publish_norms(
            actor=actor,
            community=locked.community,
            body=with_section(current.body, locked.section, locked.text),
            change_note=change_note(amendment),
        )
        locked.status = Amendment.Status.ADOPTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            actor=actor,
            action="amendment.adopted",
            community=locked.community,
            amendment=locked.pk,
            version=version.number,
        )
    return version


def put_to_members(
    *,
    actor,
    amendment: Amendment,
    title: str,
    body: str,
    rule: str,
    deadline: dt.datetime,
    quorum: bool = False,
) -> Proposal:
    """Its author or a facilitator opens a norms-change proposal carrying the
    norms with the section replaced. Passing adopts it (`decisions.effects`);
    otherwise it opens again for comment."""
    from copse.decisions.services import create_proposal

    if not permissions.can(actor, "amendment.propose", amendment):
        raise NotAllowed(
            gettext("Its author or a facilitator puts an open amendment to the members.")
        )
    with transaction.atomic():
        locked = _locked(amendment)
        locked.community.refresh_from_db(fields=["norms_version"])
        if locked.status != Amendment.Status.OPEN:
            raise AmendmentError(gettext("This amendment is no longer open."))
        _refuse_if_stale(locked)
        current = _current(locked.community)
        proposal = create_proposal(
            actor=actor,
            community=locked.community,
            title=title,
            body=body,
            kind=Proposal.Kind.NORMS,
            rule=rule,
            deadline=deadline,
            quorum=quorum,
            norms_text=with_section(current.body, locked.section, locked.text),
            amendment=locked,
        )
        locked.status = Amendment.Status.PROPOSED
        locked.save(update_fields=["status"])
    return proposal


def withdraw(*, actor, amendment: Amendment) -> Amendment:
    if not permissions.can(actor, "amendment.withdraw", amendment):
        raise NotAllowed(gettext("Its author or a facilitator withdraws an open amendment."))
    with transaction.atomic():
        locked = _locked(amendment)
        if locked.status != Amendment.Status.OPEN:
            raise AmendmentError(gettext("This amendment is no longer open."))
        locked.status = Amendment.Status.WITHDRAWN
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            actor=actor,
            action="amendment.withdrawn",
            community=locked.community,
            amendment=locked.pk,
        )
    return locked
