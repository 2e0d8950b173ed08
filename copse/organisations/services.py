"""Organisations and how a person's organisation is verified.

Site administrators keep the list of organisations, the email domains each
one claims and the identity providers tied to each. A person's organisation
is set in exactly three ways, all audited:

- a verified email address in a claimed domain (`verify_from_address`, run
  when allauth confirms an address, and for everyone at once when a site
  administrator adds a domain);
- signing in through a provider tied to the organisation
  (`verify_from_provider`, run when allauth signs someone in through a
  provider or connects one to their account, and for everyone who has signed
  in through it when a site administrator ties it);
- a site administrator's decision (`decide_request`, `set_organisation`).

They rank in that order, lowest first: an address never overrides a
provider, and neither overrides a site administrator. An organisation that
came from an address or a provider lasts while that still holds
(`reassess_domain`, `reassess_provider`); when it stops, whatever else
still holds is applied, or the person has none.

A person can only ask (`request_change`) or drop their organisation
(`leave_organisation`); nothing they type is trusted until then.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.audit.services import record
from copse.core import permissions
from copse.core.errors import UserFacingError
from copse.core.names import MESSAGE as HEADER_NAME_MESSAGE
from copse.core.names import has_control_characters
from copse.organisations.domains import domain_of
from copse.organisations.models import (
    Organisation,
    OrganisationDomain,
    OrganisationProvider,
    OrganisationRequest,
)

ADMIN = "admin"
DOMAIN = "domain"
PROVIDER = "provider"


class NotAllowed(UserFacingError):
    title = gettext_lazy("That is not possible")
    status = 403


class RequestError(UserFacingError):
    title = gettext_lazy("This request cannot be decided")
    status = 409


def _require_site_admin(actor, message: str) -> None:
    if not permissions.can(actor, "programme.manage"):
        raise NotAllowed(message)


def save_organisation(
    *,
    actor,
    organisation: Organisation,
    domains: list[str] | None = None,
    providers: list[str] | None = None,
) -> Organisation:
    """Create or change an organisation; `domains` (normalised) replaces the
    ones it claims and `providers` the identity providers tied to it. People
    with a verified address in a newly claimed domain, or who signed in
    through a newly tied provider, get the organisation at once; people whose
    organisation came from a provider no longer tied to it lose it."""
    _require_site_admin(actor, _("Only a site administrator can change organisations."))
    if has_control_characters(organisation.name):
        raise UserFacingError(HEADER_NAME_MESSAGE)
    created = organisation.pk is None
    with transaction.atomic():
        organisation.save()
        added: list[str] = []
        if domains is not None:
            before = set(organisation.domains.values_list("domain", flat=True))
            wanted = set(domains)
            organisation.domains.exclude(domain__in=wanted).delete()
            added = sorted(wanted - before)
            try:
                with transaction.atomic():
                    OrganisationDomain.objects.bulk_create(
                        OrganisationDomain(organisation=organisation, domain=d) for d in added
                    )
            except IntegrityError:
                raise NotAllowed(
                    _("Another organisation already claims one of these domains.")
                ) from None
        tied: list[str] = []
        untied: list[str] = []
        if providers is not None:
            before = set(organisation.providers.values_list("provider_id", flat=True))
            wanted = set(providers)
            untied = sorted(before - wanted)
            tied = sorted(wanted - before)
            organisation.providers.filter(provider_id__in=untied).delete()
            try:
                with transaction.atomic():
                    OrganisationProvider.objects.bulk_create(
                        OrganisationProvider(organisation=organisation, provider_id=p) for p in tied
                    )
            except IntegrityError:
                raise NotAllowed(
                    _("One of these sign-in providers is already tied to another organisation.")
                ) from None
        record(
            actor=actor,
            action="organisation.created" if created else "organisation.changed",
            name=organisation.name,
            kind=organisation.kind,
            domains=sorted(domains) if domains is not None else None,
            providers=sorted(providers) if providers is not None else None,
        )
        if untied:
            _reassess_everyone_from(organisation, actor=actor)
        if added:
            _verify_everyone_in(organisation, added)
        if tied:
            _verify_everyone_through(tied)
    return organisation


def _verify_everyone_in(organisation: Organisation, domains: list[str]) -> None:
    from allauth.account.models import EmailAddress

    addresses = EmailAddress.objects.filter(verified=True, user__is_active=True).select_related(
        "user"
    )
    for domain in domains:
        for address in addresses.filter(email__iendswith=f"@{domain}"):
            verify_from_address(email_address=address)


def organisation_for_domain(domain: str) -> Organisation | None:
    claim = OrganisationDomain.objects.filter(domain=domain).select_related("organisation").first()
    return claim.organisation if claim else None


def verify_from_address(*, email_address) -> bool:
    """A verified address in a claimed domain sets the person's organisation.

    A site administrator's decision stands: an address never overrides it.
    Returns whether the organisation changed."""
    if not email_address.verified:
        return False
    domain = domain_of(email_address.email)
    organisation = organisation_for_domain(domain) if domain else None
    if organisation is None:
        return False
    from copse.accounts.models import User

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=email_address.user_id)
        if user.organisation_source in (ADMIN, PROVIDER) and user.organisation_id is not None:
            return False
        if user.organisation_id == organisation.pk and user.organisation_source == DOMAIN:
            return False
        _set(user, organisation, source=DOMAIN, by=None)
        record(
            actor=user,
            action="organisation.verified_by_domain",
            subject=user,
            organisation=organisation.name,
            domain=domain,
        )
        _answer_waiting_request(user, organisation)
    return True


def _answer_waiting_request(user, organisation: Organisation) -> None:
    """A waiting request for this very organisation is answered."""
    OrganisationRequest.objects.filter(
        user=user, status=OrganisationRequest.Status.PENDING, name__iexact=organisation.name
    ).update(
        status=OrganisationRequest.Status.APPROVED,
        organisation=organisation,
        decided_at=timezone.now(),
    )


def organisation_for_provider(provider_id: str) -> Organisation | None:
    tie = (
        OrganisationProvider.objects.filter(provider_id=provider_id)
        .select_related("organisation")
        .first()
    )
    return tie.organisation if tie else None


def verify_from_provider(*, user_id: int, provider_id: str) -> bool:
    """Signing in through a provider tied to an organisation sets it.

    Called only once allauth has signed the person in (or connected the
    provider to the account they are signed in to): never for an account
    that is inactive, nor for one still waiting to confirm its address. It
    outranks an address; a site administrator's decision stands. Returns
    whether the organisation changed."""
    organisation = organisation_for_provider(provider_id)
    if organisation is None:
        return False
    from copse.accounts.models import User

    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None:
            return False
        if user.organisation_source == ADMIN and user.organisation_id is not None:
            return False
        if user.organisation_id == organisation.pk and user.organisation_source == PROVIDER:
            return False
        _set(user, organisation, source=PROVIDER, by=None)
        record(
            actor=user,
            action="organisation.verified_by_provider",
            subject=user,
            organisation=organisation.name,
            provider=provider_id,
        )
        _answer_waiting_request(user, organisation)
    return True


def reassess_provider(*, user_id: int, actor=None) -> bool:
    """An organisation that came from a provider lasts while the person's
    account is still connected to a provider tied to it. Returns whether it
    was cleared (and something else that still holds applied)."""
    from allauth.socialaccount.models import SocialAccount

    from copse.accounts.models import User

    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=user_id, organisation_source=PROVIDER, organisation__isnull=False)
            .select_related("organisation")
            .first()
        )
        if user is None:
            return False
        tied = set(user.organisation.providers.values_list("provider_id", flat=True))
        held = set(SocialAccount.objects.filter(user=user).values_list("provider", flat=True))
        if tied & held:
            return False
        old = user.organisation.name
        _set(user, None, source="", by=None)
        record(actor=actor, action="organisation.provider_lost", subject=user, old=old)
        _verify_again(user.pk)
    return True


def _verify_again(user_id: int) -> None:
    """After an organisation was lost: whatever still holds, the provider
    signed in through most recently first, then confirmed addresses."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    for provider_id in (
        SocialAccount.objects.filter(user_id=user_id)
        .order_by("-last_login")
        .values_list("provider", flat=True)
    ):
        if verify_from_provider(user_id=user_id, provider_id=provider_id):
            return
    for address in EmailAddress.objects.filter(user_id=user_id, verified=True).order_by("pk"):
        if verify_from_address(email_address=address):
            return


def _reassess_everyone_from(organisation: Organisation, *, actor) -> None:
    from copse.accounts.models import User

    for user_id in User.objects.filter(
        organisation=organisation, organisation_source=PROVIDER
    ).values_list("pk", flat=True):
        reassess_provider(user_id=user_id, actor=actor)


def _verify_everyone_through(provider_ids: list[str]) -> None:
    from allauth.socialaccount.models import SocialAccount

    for account in SocialAccount.objects.filter(
        provider__in=provider_ids, user__is_active=True
    ).order_by("last_login"):
        verify_from_provider(user_id=account.user_id, provider_id=account.provider)


def reassess_domain(*, user_id: int) -> bool:
    """An organisation that came from a domain lasts while the person still has
    a verified address in one of its domains. Returns whether it was cleared
    (and something else that still holds applied)."""
    from allauth.account.models import EmailAddress

    from copse.accounts.models import User

    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=user_id, organisation_source=DOMAIN, organisation__isnull=False)
            .first()
        )
        if user is None:
            return False
        claimed = set(user.organisation.domains.values_list("domain", flat=True))
        held = {
            domain_of(email)
            for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
                "email", flat=True
            )
        }
        if claimed & held:
            return False
        old = user.organisation.name
        _set(user, None, source="", by=None)
        record(actor=None, action="organisation.domain_lost", subject=user, old=old)
        _verify_again(user.pk)
    return True


def _set(user, organisation: Organisation | None, *, source: str, by) -> None:
    user.organisation = organisation
    user.organisation_source = source if organisation is not None else ""
    user.organisation_verified_by = by if organisation is not None else None
    user.organisation_verified_at = timezone.now() if organisation is not None else None
    user.save(
        update_fields=[
            "organisation",
            "organisation_source",
            "organisation_verified_by",
            "organisation_verified_at",
        ]
    )
    permissions.forget_standings(user)


def set_organisation(*, actor, user, organisation: Organisation | None) -> None:
    """A site administrator sets (or clears) a person's organisation."""
    _require_site_admin(actor, _("Only a site administrator can set a person's organisation."))
    if user.pk == actor.pk:
        raise NotAllowed(_("Another site administrator has to set your own organisation."))
    with transaction.atomic():
        old = user.organisation.name if user.organisation_id else None
        _set(user, organisation, source=ADMIN, by=actor)
        record(
            actor=actor,
            action="organisation.set_by_admin",
            subject=user,
            old=old,
            new=organisation.name if organisation else None,
        )


def request_change(*, actor, name: str, note: str = "") -> OrganisationRequest:
    """A person asks for their organisation to be set; a waiting request of
    theirs is replaced. Whether the name matches an organisation is not said."""
    name = " ".join(name.split())
    if not name:
        raise NotAllowed(_("Type the name of your organisation."))
    with transaction.atomic():
        OrganisationRequest.objects.select_for_update().filter(
            user=actor, status=OrganisationRequest.Status.PENDING
        ).update(status=OrganisationRequest.Status.WITHDRAWN, decided_at=timezone.now())
        request = OrganisationRequest.objects.create(user=actor, name=name, note=note.strip())
        record(actor=actor, action="organisation.change_requested", subject=actor, name=name)
    return request


def withdraw_request(*, actor, request: OrganisationRequest) -> None:
    if request.user_id != actor.pk:
        raise NotAllowed(_("This is not your request."))
    with transaction.atomic():
        updated = OrganisationRequest.objects.filter(
            pk=request.pk, status=OrganisationRequest.Status.PENDING
        ).update(status=OrganisationRequest.Status.WITHDRAWN, decided_at=timezone.now())
        if updated:
            record(actor=actor, action="organisation.request_withdrawn", subject=actor)


def leave_organisation(*, actor) -> None:
    """A person says they no longer belong to their organisation. Seats they
    hold keep the organisation they were given at joining."""
    from copse.accounts.models import User

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if user.organisation_id is None:
            return
        old = user.organisation.name
        _set(user, None, source="", by=None)
        record(actor=actor, action="organisation.left", subject=actor, old=old)
    actor.organisation = None
    actor.organisation_source = ""


def decide_request(
    *, actor, request: OrganisationRequest, approve: bool, organisation: Organisation | None = None
) -> OrganisationRequest:
    """A site administrator approves (with the organisation they chose) or declines."""
    _require_site_admin(actor, _("Only a site administrator can decide on organisation requests."))
    if request.user_id == actor.pk:
        raise NotAllowed(_("Another site administrator has to decide on your own request."))
    if approve and organisation is None:
        raise RequestError(_("Choose the organisation to approve."))
    from copse.accounts.models import User

    with transaction.atomic():
        locked = OrganisationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != OrganisationRequest.Status.PENDING:
            raise RequestError(_("This request has already been decided or withdrawn."))
        locked.status = (
            OrganisationRequest.Status.APPROVED if approve else OrganisationRequest.Status.DECLINED
        )
        locked.organisation = organisation if approve else None
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
        person = User.objects.select_for_update().get(pk=locked.user_id)
        old = person.organisation.name if person.organisation_id else None
        if approve:
            _set(person, organisation, source=ADMIN, by=actor)
        record(
            actor=actor,
            action="organisation.request_approved" if approve else "organisation.request_declined",
            subject=person,
            requested=locked.name,
            old=old,
            new=organisation.name if approve else None,
        )
    return locked
