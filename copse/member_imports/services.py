"""Inviting many people at once: upload a list, look at it, confirm it.

Nothing is sent at the upload: the list is kept (`MemberImport`) and shown
with every row's problems. The confirmation judges every row again and
sends an invitation, as a member, to each row that is still fine, through
`memberships.services.invite` (one audit entry and one mail per person, as
the invitation form gives, mailed after the commit). A list is its
uploader's alone, and is refused once sent or expired.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.member_imports import parsing, selectors, tasks
from copse.member_imports.expiry import forget_expired
from copse.member_imports.models import LIFETIME, MemberImport
from copse.memberships import services as membership_services
from copse.memberships.models import Membership


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible")
    status = 403


class ImportStale(UserFacingError):
    title = gettext_lazy("This list can no longer be sent")
    status = 410


EXPIRED = gettext_lazy(
    "This list waited more than a day and has expired. Upload it again to see it against "
    "the community as it is now."
)


def upload(*, actor, community, file_name: str, data: bytes) -> MemberImport:
    """Read the list and keep it for the preview. A file that cannot be
    read at all raises `parsing.ImportFileError`; nothing is kept then."""
    if not permissions.can(actor, "community.invite", community):
        raise NotAllowed(_("Only a facilitator of the community can invite people."))
    rows = parsing.parse(data)
    now = timezone.now()
    with transaction.atomic():
        forget_expired(now)
        member_import = MemberImport.objects.create(
            community=community,
            uploaded_by=actor,
            file_name=(file_name or "list.csv")[:200],
            rows=[row.as_stored() for row in rows],
            expires_at=now + LIFETIME,
        )
        # Counts only: the list itself is personal data and stays out of the log.
        record(
            actor=actor,
            action="member_import.uploaded",
            community=community,
            rows=len(rows),
            with_problems=sum(1 for row in rows if row.problems),
        )
    transaction.on_commit(lambda: tasks.schedule_forgetting(member_import.expires_at))
    return member_import


def _locked_for(actor, member_import: MemberImport) -> MemberImport:
    locked = MemberImport.objects.select_for_update().get(pk=member_import.pk)
    if locked.uploaded_by_id != actor.pk:
        raise NotAllowed(_("Only the facilitator who uploaded this list can send it."))
    if locked.state == MemberImport.State.SENT:
        raise ImportStale(_("The invitations of this list were sent already."))
    if locked.is_expired:
        raise ImportStale(str(EXPIRED))
    return locked


def confirm(*, actor, member_import: MemberImport, message: str = "") -> int:
    """Send an invitation as a member to each row that may be invited now.
    Returns how many were sent."""
    community = member_import.community
    if not permissions.can(actor, "community.invite", community):
        raise NotAllowed(_("Only a facilitator of the community can invite people."))
    with transaction.atomic():
        locked = _locked_for(actor, member_import)
        locked.community = community
        assessment = selectors.assess(locked, viewer=actor)
        sent = 0
        for row in assessment.to_invite:
            try:
                membership_services.invite(
                    actor=actor,
                    community=community,
                    email=row.email,
                    role=Membership.Role.MEMBER,
                    message=message,
                )
            except UserFacingError:
                # Refused by the rule of one invitation (seated meanwhile):
                # the row is left out, as the preview would now show it.
                continue
            sent += 1
        locked.state = MemberImport.State.SENT
        locked.sent_at = timezone.now()
        locked.sent_count = sent
        locked.save(update_fields=["state", "sent_at", "sent_count"])
        record(
            actor=actor,
            action="member_import.sent",
            community=community,
            sent=sent,
            left_out=len(assessment.rows) - sent,
        )
    member_import.state, member_import.sent_count = locked.state, sent
    return sent


def discard(*, actor, member_import: MemberImport) -> None:
    """The uploader throws a waiting list away; its rows go at once."""
    with transaction.atomic():
        locked = _locked_for(actor, member_import)
        locked.delete()
        record(actor=actor, action="member_import.discarded", community=member_import.community)
