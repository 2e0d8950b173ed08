"""Reads for member imports: the list a facilitator may open, and each row
judged against the community as it is now.

`assess` runs the same number of queries whatever the number of rows: the
seated, the open invitations, the claimed domains, the organisations named
and the seats per organisation are each read once for the whole list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copse.accounts.identity import addresses_of
from copse.core import permissions
from copse.member_imports.models import MemberImport
from copse.memberships.models import Invitation, Membership
from copse.organisations.domains import domain_of
from copse.organisations.models import Organisation, OrganisationDomain

# Seats that count towards the community's caps (as in memberships.services).
COUNTED_ROLES = ("member", "facilitator")


@dataclass
class AssessedRow:
    line: int
    email: str
    name: str
    organisation: str
    # Why the row will not be invited; empty when it will.
    errors: list[str] = field(default_factory=list)
    # What the facilitator should know about a row that will be invited.
    notes: list[str] = field(default_factory=list)

    @property
    def will_invite(self) -> bool:
        return not self.errors


@dataclass
class Assessment:
    rows: list[AssessedRow]

    @property
    def to_invite(self) -> list[AssessedRow]:
        return [row for row in self.rows if row.will_invite]

    @property
    def left_out(self) -> list[AssessedRow]:
        return [row for row in self.rows if not row.will_invite]


def import_for(viewer, community, import_id) -> MemberImport:
    """The list `import_id`, if `viewer` uploaded it to `community` and may
    still invite there; otherwise 404, the same as for a list that does not
    exist (another facilitator's list, another community's, a member)."""
    permissions.require_or_404(viewer, "community.invite", community)
    found = MemberImport.objects.filter(
        pk=import_id, community=community, uploaded_by_id=viewer.pk
    ).first()
    if found is None:
        raise Http404
    return found


def waiting_imports(viewer, community) -> list[MemberImport]:
    """The viewer's lists for `community` still waiting for confirmation."""
    return list(
        MemberImport.objects.filter(
            community=community,
            uploaded_by_id=viewer.pk,
            state=MemberImport.State.WAITING,
            expires_at__gt=timezone.now(),
        ).only("pk", "file_name", "created_at", "expires_at", "community_id")
    )


def _organisation_of(row, claimed: dict[str, Organisation], named: dict[str, Organisation]):
    """The organisation the person would have: the one that claims their
    address's domain (verified once they confirm the address), else the one
    the list names, if there is one by that name (a site administrator
    still has to verify it)."""
    domain = domain_of(row.email)
    by_domain = claimed.get(domain) if domain else None
    by_name = named.get(row.organisation.casefold()) if row.organisation else None
    return by_domain, by_name


def assess(member_import: MemberImport, *, viewer) -> Assessment:
    """Every row of the list, with what keeps it from being invited now
    (errors) and what the facilitator should know (notes).

    Nothing here tells whether an address has an account on the site: the
    answer is the same for a stranger and for someone who signed up, as on
    the invitation form. Organisations come from the list and from claimed
    domains only, never from anyone's account."""
    community = member_import.community
    rows = [
        AssessedRow(
            line=stored["line"],
            email=stored["email"],
            name=stored["name"],
            organisation=stored["organisation"],
            errors=list(stored.get("problems", [])),
        )
        for stored in member_import.rows
    ]
    emails = {row.email for row in rows if row.email}
    own = addresses_of(viewer)
    seated = set(
        Membership.objects.filter(
            community=community,
            status__in=Membership.SEATED,
            role__in=permissions.READING_ROLES,
            user__email__in=emails,
        ).values_list("user__email", flat=True)
    )
    invited = dict(
        Invitation.objects.usable()
        .filter(community=community, email__in=emails)
        .order_by("created_at")
        .values_list("email", "created_at")
    )
    domains = {domain_of(email) for email in emails} - {None}
    claimed = {
        claim.domain: claim.organisation
        for claim in OrganisationDomain.objects.filter(domain__in=domains).select_related(
            "organisation"
        )
    }
    typed = {row.organisation for row in rows if row.organisation}
    # The name as typed, or in other letter case (SQLite lowers ASCII only,
    # so a name with accents is found when typed as the site writes it).
    named = {
        organisation.name.casefold(): organisation
        for organisation in Organisation.objects.annotate(lowered=Lower("name")).filter(
            Q(name__in=typed) | Q(lowered__in={name.lower() for name in typed})
        )
    }
    cap = community.per_organisation_cap
    seats_by_organisation = Counter()
    if cap is not None:
        seats_by_organisation.update(
            dict(
                Membership.objects.filter(
                    community=community,
                    status__in=Membership.SEATED,
                    role__in=COUNTED_ROLES,
                    organisation__isnull=False,
                )
                .values("organisation_id")
                .annotate(seats=Count("id"))
                .values_list("organisation_id", "seats")
            )
        )
    places = (
        None if community.size_cap is None else max(community.size_cap - community.member_count, 0)
    )

    planned = 0
    for row in rows:
        if row.errors:
            continue
        if row.email in own:
            row.errors.append(_("That is your own address: a seat is given by someone else."))
            continue
        if row.email in seated:
            row.errors.append(_("Already a member of %(name)s.") % {"name": community.name})
            continue
        if row.email in invited:
            sent = dateformat.format(timezone.localtime(invited[row.email]), "j F Y")
            row.errors.append(
                _("Already invited on %(date)s, and that invitation is still open.")
                % {"date": sent}
            )
            continue
        by_domain, by_name = _organisation_of(row, claimed, named)
        organisation = by_domain or by_name
        if places is not None and planned >= places:
            row.errors.append(
                ngettext(
                    "Over the limit of %(cap)s members: %(name)s has %(places)s place left, "
                    "taken by the rows above.",
                    "Over the limit of %(cap)s members: %(name)s has %(places)s places left, "
                    "taken by the rows above.",
                    places,
                )
                % {"cap": community.size_cap, "name": community.name, "places": places}
            )
            continue
        if cap is not None and organisation is not None:
            if seats_by_organisation[organisation.pk] >= cap:
                row.errors.append(
                    _(
                        "%(name)s takes at most %(cap)s from each organisation, and the "
                        "places for %(organisation)s are taken (with the rows above)."
                    )
                    % {"name": community.name, "cap": cap, "organisation": organisation.name}
                )
                continue
            seats_by_organisation[organisation.pk] += 1
        if by_domain and row.organisation and by_domain != by_name:
            row.notes.append(
                _(
                    "The address is in a domain of %(organisation)s: that will be their "
                    "organisation once they confirm it."
                )
                % {"organisation": by_domain.name}
            )
        elif row.organisation and by_name is None and by_domain is None:
            row.notes.append(
                _(
                    "No organisation here is called “%(organisation)s”; a site administrator "
                    "can add it."
                )
                % {"organisation": row.organisation}
            )
        if cap is not None and organisation is None:
            row.notes.append(
                _(
                    "%(name)s takes a limited number from each organisation: they can "
                    "take their seat once their organisation is verified."
                )
                % {"name": community.name}
            )
        elif cap is not None and by_domain is None:
            row.notes.append(
                _(
                    "Their organisation is verified when a site administrator sets it, or when "
                    "they confirm an address in a domain it claims."
                )
            )
        planned += 1
    return Assessment(rows=rows)
