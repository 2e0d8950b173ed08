"""Reading norms: versions, diffs and who accepted what."""

import difflib
from dataclasses import dataclass

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
    """Line by line, what changed from `older` to `newer` (also the library's
    page versions)."""
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=older.splitlines(), b=newer.splitlines(), autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines.extend(DiffLine("same", t) for t in matcher.a[a1:a2])
            continue
        lines.extend(DiffLine("removed", t) for t in matcher.a[a1:a2])
        lines.extend(DiffLine("added", t) for t in matcher.b[b1:b2])
    return lines


def acceptance_by_member(community):
    """Every seated member with the norms version they last accepted."""
    return (
        Membership.objects.filter(community=community, status__in=Membership.SEATED)
        .exclude(role="guest_presenter")
        .select_related("user", "user__organisation")
        .order_by("norms_accepted", "user__display_name")
    )
