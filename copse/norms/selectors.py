"""Reading norms: versions, diffs and who accepted what."""

import difflib
from dataclasses import dataclass

from copse.core.markdown import plain_text
from copse.memberships.models import Membership
from copse.norms.models import NormsVersion


def current_norms(community) -> NormsVersion | None:
    if not community.norms_version:
        return None
    return community.norms_versions.filter(number=community.norms_version).first()


def norms_history(community):
    return community.norms_versions.select_related("published_by").order_by("-number")


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def diff_versions(older: NormsVersion, newer: NormsVersion) -> list[DiffLine]:
    return diff_lines(older.body, newer.body)


def diff_lines(older: str, newer: str) -> list[DiffLine]:
    """Line by line, what changed in the words from Markdown `older` to
    `newer` (also proposed norms and the library's page versions).

    A diff is shown without rendering, so each line is shown as plain text
    (`core.markdown.plain_text`): no `#`, `**` or list markers. Lines are the
    source's own, so a changed word marks its line, not its whole paragraph;
    lines with no words (blank, rules) are left out."""
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(
        a=_words_by_line(older), b=_words_by_line(newer), autojunk=False
    )
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend(DiffLine("same", t) for t in matcher.a[a1:a2])
            continue
        lines.extend(DiffLine("removed", t) for t in matcher.a[a1:a2])
        lines.extend(DiffLine("added", t) for t in matcher.b[b1:b2])
    return lines


def _words_by_line(markdown: str) -> list[str]:
    plain = (plain_text(line, one_line=True) for line in (markdown or "").splitlines())
    return [line for line in plain if line]


def acceptance_by_member(community):
    """Every seated member with the norms version they last accepted."""
    return (
        Membership.objects.filter(community=community, status__in=Membership.SEATED)
        .exclude(role="guest_presenter")
        .select_related("user", "user__organisation")
        .order_by("norms_accepted", "user__display_name")
    )
