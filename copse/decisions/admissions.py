"""Join requests the members decide: each becomes an admission proposal.

Memberships sits below decisions, so it announces a request (and its
withdrawal) by signal and this module answers: `DecisionsConfig.ready`
connects the receivers. Passing seats the requester
(`memberships.services.admit_by_members`, from `effects`); not passing, or a
withdrawn proposal, declines the request (`decline_by_members`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from copse.audit.services import record
from copse.decisions.models import Proposal
from copse.decisions.signals import proposal_closed
from copse.decisions.titles import MAX_TITLE


def admission_title(join_request) -> str:
    """Written once for every member, so in the site's language."""
    user = join_request.user
    organisation = getattr(user.organisation, "name", "") if user.organisation_id else ""
    who = f"{user.name} ({organisation})" if organisation else user.name
    with translation.override(settings.LANGUAGE_CODE):
        return (gettext("Admit %(who)s") % {"who": who})[:MAX_TITLE]


def admission_body(join_request) -> str:
    note = (join_request.note or "").strip()
    if note:
        return note
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("%(name)s asked to join without writing a note.") % {
            "name": join_request.user.name
        }


def open_admission(*, join_request, now: dt.datetime | None = None) -> Proposal:
    """The admission proposal for a request the members decide, inside the
    transaction that made the request. Nobody proposes it: the request does."""
    from copse.decisions.services import _after_opening

    now = now or timezone.now()
    proposal = Proposal.objects.create(
        community=join_request.community,
        proposed_by=None,
        title=admission_title(join_request),
        body=admission_body(join_request),
        kind=Proposal.Kind.ADMISSION,
        rule=Proposal.Rule.CONSENT,
        deadline=now + dt.timedelta(days=settings.COPSE_ADMISSION_DAYS),
        join_request=join_request,
    )
    record(
        actor=join_request.user,
        action="proposal.opened",
        community=join_request.community,
        proposal=proposal.pk,
        kind=proposal.kind,
        rule=proposal.rule,
    )
    _after_opening(proposal)
    return proposal


def withdraw_admission(*, join_request) -> Proposal | None:
    """The requester withdrew: the members need not answer any more."""
    locked = (
        Proposal.objects.select_for_update()
        .filter(join_request=join_request, status=Proposal.Status.OPEN)
        .first()
    )
    if locked is None:
        return None
    locked.status = Proposal.Status.WITHDRAWN
    locked.closed_at = timezone.now()
    locked.result = f"{join_request.user.name} withdrew the request to join."
    locked.save(update_fields=["status", "closed_at", "result"])
    proposal_closed.send(sender=Proposal, proposal=locked)
    record(
        actor=join_request.user,
        action="proposal.withdrawn",
        community=locked.community,
        proposal=locked.pk,
    )
    return locked


def on_join_requested(sender, join_request, **kwargs) -> None:
    if join_request.members_decide:
        open_admission(join_request=join_request)


def on_join_request_withdrawn(sender, join_request, **kwargs) -> None:
    if join_request.members_decide:
        withdraw_admission(join_request=join_request)


def proposal_for_request(join_request_id: int) -> Proposal | None:
    return (
        Proposal.objects.filter(join_request_id=join_request_id, kind=Proposal.Kind.ADMISSION)
        .select_related("community")
        .first()
    )


def connect() -> None:
    from copse.memberships.signals import join_request_withdrawn, join_requested

    join_requested.connect(on_join_requested, dispatch_uid="decisions.open_admission")
    join_request_withdrawn.connect(
        on_join_request_withdrawn, dispatch_uid="decisions.withdraw_admission"
    )
