"""Background work for memberships: telling people what happened by email."""

from django.urls import reverse
from django_tasks import task

from copse.core.languages import in_language_of
from copse.core.mail import send_templated


def _account_of(email: str):
    """The account an invitation's address belongs to, if any: its own address
    or one it added. Mail to an address without an account is in the site's
    language."""
    from allauth.account.models import EmailAddress

    from copse.accounts.models import User

    user = User.objects.filter(email=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
        user = address.user if address is not None else None
    return user


@task()
def send_invitation(invitation_id: int) -> None:
    from copse.memberships.links import invitation_url
    from copse.memberships.models import Invitation

    invitation = Invitation.objects.select_related("community", "invited_by").get(pk=invitation_id)
    if not invitation.is_open:
        return
    with in_language_of(_account_of(invitation.email)):
        send_templated(
            to=invitation.email,
            template="memberships/email/invitation",
            context={"invitation": invitation, "url": invitation_url(invitation)},
        )


@task()
def tell_facilitators_of_request(join_request_id: int) -> None:
    from copse.memberships.models import JoinRequest, Membership

    join_request = JoinRequest.objects.select_related("community", "user").get(pk=join_request_id)
    facilitators = Membership.objects.filter(
        community=join_request.community, role="facilitator", status="active"
    ).select_related("user")
    path = reverse("memberships:manage", kwargs={"slug": join_request.community.slug})
    for facilitator in facilitators:
        with in_language_of(facilitator.user):
            send_templated(
                to=facilitator.user.email,
                template="memberships/email/request_received",
                context={"join_request": join_request, "path": path},
            )


@task()
def tell_requester_of_decision(join_request_id: int) -> None:
    from copse.memberships.models import JoinRequest

    join_request = JoinRequest.objects.select_related("community", "user").get(pk=join_request_id)
    with in_language_of(join_request.user):
        send_templated(
            to=join_request.user.email,
            template="memberships/email/request_decided",
            context={
                "join_request": join_request,
                "path": join_request.community.get_absolute_url(),
            },
        )


@task()
def tell_removed_member(membership_id: int) -> None:
    from copse.memberships.models import Membership

    membership = Membership.objects.select_related("community", "user").get(pk=membership_id)
    with in_language_of(membership.user):
        send_templated(
            to=membership.user.email,
            template="memberships/email/removed",
            context={"membership": membership},
        )


@task()
def announce_to_facilitators(entry_id: int) -> None:
    """A notification (mailed as a notice) to each active facilitator of the
    entry's community; never to the person who did it."""
    from copse.audit.models import AuditEntry
    from copse.memberships.models import Membership
    from copse.notifications.models import Notification
    from copse.notifications.services import notify

    entry = (
        AuditEntry.objects.select_related("actor", "subject", "community")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.community is None:
        return
    facilitators = Membership.objects.filter(
        community=entry.community, role=Membership.Role.FACILITATOR, status=Membership.Status.ACTIVE
    ).select_related("user")
    for facilitator in facilitators:
        notify(
            user=facilitator.user,
            kind=Notification.Kind.ANNOUNCEMENT,
            target=entry,
            actor=entry.actor,
            read_action="community.view_audit",
        )


# Read by copse.workers.recovery when a worker dies mid-task. The mails here go
# straight to the mail server: a repeat may send one of them twice, which is
# better than an invitation, a request or a decision never told.
SAFE_TO_REPEAT = {
    "send_invitation": "at worst the invitation mail arrives twice (same link)",
    "tell_facilitators_of_request": "at worst facilitators get the same mail twice",
    "tell_requester_of_decision": "at worst the requester gets the same mail twice",
    "tell_removed_member": "at worst the former member gets the same mail twice",
    "announce_to_facilitators": "a notification is unique per person, kind and entry",
}
