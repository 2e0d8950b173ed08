"""Writes of the health app: a community's health settings, and the kind
nudge a facilitator sends a quiet member.

A nudge is private: it is delivered to its member alone, in Copse and by
mail (`tasks.deliver_nudge`, after the commit), and its words are kept in the
`Nudge` row only; the audit log says who nudged whom and when, never what
they wrote."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.health import tasks
from copse.health.figures import fill_template
from copse.health.models import HealthSettings, Nudge
from copse.memberships.models import Membership, seated_q

MAX_NUDGE = 4000


class HealthError(UserFacingError):
    title = gettext_lazy("That could not be done")
    status = 400


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible here")
    status = 403


def save_settings(*, actor, community, quiet_weeks: int, nudge_template: str) -> HealthSettings:
    if not permissions.can(actor, "community.view_health", community):
        raise NotAllowed(_("Only the community's facilitators change its health settings."))
    if not 1 <= quiet_weeks <= 52:
        raise HealthError(_("Choose between 1 and 52 weeks."))
    nudge_template = (nudge_template or "").replace("\r\n", "\n").strip()
    if not nudge_template:
        raise HealthError(_("Write the words of the nudge: it is where each note starts."))
    if len(nudge_template) > MAX_NUDGE:
        raise HealthError(_("Keep the nudge under %(count)s characters.") % {"count": MAX_NUDGE})
    with transaction.atomic():
        settings, _created = HealthSettings.objects.select_for_update().get_or_create(
            community=community
        )
        changed = []
        if settings.quiet_weeks != quiet_weeks:
            changed.append("quiet_weeks")
        if settings.nudge_template != nudge_template:
            changed.append("nudge_template")
        settings.quiet_weeks = quiet_weeks
        settings.nudge_template = nudge_template
        settings.updated_by = actor
        settings.save()
        if changed:
            # Which settings changed, and the new quiet period; not the words.
            record(
                actor=actor,
                action="health.settings_changed",
                community=community,
                changed=changed,
                quiet_weeks=quiet_weeks,
            )
    return settings


def nudge_text(*, template: str, member, community, facilitator) -> str:
    """A nudge's words for `member`, from a template or from the text the
    facilitator edited (placeholders left in it are filled in too)."""
    return fill_template(
        template, name=member.name, community=community.name, facilitator=facilitator.name
    )


def send_nudge(*, actor, community, member, body: str) -> Nudge:
    """Send `member` a private, kind note from `actor`, a facilitator of
    `community`: at most once in the community's quiet period, whoever sends
    it."""
    if not permissions.can(actor, "community.nudge", community):
        raise NotAllowed(_("Only the community's facilitators send nudges."))
    if member.pk == actor.pk:
        raise HealthError(_("A nudge goes to someone else."))
    body = nudge_text(
        template=(body or "").replace("\r\n", "\n").strip(),
        member=member,
        community=community,
        facilitator=actor,
    )
    if not body:
        raise HealthError(_("Write a few words: an empty nudge says nothing kind."))
    if len(body) > MAX_NUDGE:
        raise HealthError(_("Keep the note under %(count)s characters.") % {"count": MAX_NUDGE})
    with transaction.atomic():
        # The seat is locked so that two facilitators nudging the same person
        # at once send one note, not two.
        seat = (
            Membership.objects.select_for_update()
            .filter(community=community, user=member, user__is_active=True)
            .filter(seated_q())
            .first()
        )
        if seat is None:
            raise HealthError(
                _("%(name)s is not a member of %(community)s now.")
                % {"name": member.name, "community": community.name}
            )
        if seat.status != Membership.Status.ACTIVE:
            raise HealthError(
                _("%(name)s is on leave: they said they are away, so no nudge goes to them.")
                % {"name": member.name}
            )
        quiet_weeks = (
            HealthSettings.objects.filter(community=community)
            .values_list("quiet_weeks", flat=True)
            .first()
            or HealthSettings._meta.get_field("quiet_weeks").default
        )
        last = (
            Nudge.objects.filter(community=community, member=member)
            .order_by("-sent_at")
            .values_list("sent_at", flat=True)
            .first()
        )
        if last is not None and last > timezone.now() - timedelta(weeks=quiet_weeks):
            again = timezone.localtime(last + timedelta(weeks=quiet_weeks))
            raise HealthError(
                ngettext(
                    "%(name)s was nudged on %(last)s. One note in %(weeks)s week is kind; "
                    "more is pressure. You can nudge them again from %(again)s.",
                    "%(name)s was nudged on %(last)s. One note in %(weeks)s weeks is kind; "
                    "more is pressure. You can nudge them again from %(again)s.",
                    quiet_weeks,
                )
                % {
                    "name": member.name,
                    "last": formats.date_format(timezone.localtime(last), "j F Y"),
                    "weeks": quiet_weeks,
                    "again": formats.date_format(again, "j F Y"),
                }
            )
        nudge = Nudge.objects.create(community=community, member=member, sent_by=actor, body=body)
        record(actor=actor, action="health.nudged", community=community, subject=member)
    transaction.on_commit(lambda: tasks.deliver_nudge.enqueue(nudge.pk))
    return nudge
