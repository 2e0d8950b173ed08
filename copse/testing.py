"""Factories for tests and benchmarks: people, organisations and communities
in a given standing, made through the same services the product uses."""

import itertools

from copse.accounts.models import User
from copse.communities.models import Community
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.organisations.models import Organisation

_counter = itertools.count(1)
PASSWORD = "copse-test-password"


def make_organisation(name: str | None = None, kind: str = "company") -> Organisation:
    return Organisation.objects.create(name=name or f"Organisation {next(_counter)}", kind=kind)


def make_user(
    email: str | None = None, *, name: str | None = None, organisation=None, **extra
) -> User:
    """A person who can sign in. `organisation`, when given, is verified (as if
    a site administrator had set it): only verified organisations exist on a
    person. Use `organisation_source="domain"` to say it came from an address."""
    n = next(_counter)
    if organisation is not None:
        extra.setdefault("organisation_source", "admin")
    user = User.objects.create_user(
        email=email or f"person{n}@example.com",
        password=PASSWORD,
        display_name=name or f"Person {n}",
        organisation=organisation,
        **extra,
    )
    # allauth needs a verified EmailAddress to let the person sign in.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_site_admin(**kwargs) -> User:
    return make_user(is_staff=True, **kwargs)


def make_community(slug: str | None = None, **fields) -> Community:
    n = next(_counter)
    defaults = {
        "name": f"Community {n}",
        "slug": slug or f"community-{n}",
        "purpose": "Peers who share a concern and learn together.",
        "visibility": Community.Visibility.MEMBERS,
        "join_policy": Community.JoinPolicy.REQUEST,
    }
    defaults.update(fields)
    return Community.objects.create(**defaults)


def seat(
    community: Community, user: User, role: str = "member", status: str = "active", principal=None
):
    """Put `user` in `community` directly (no caps, no audit): for arranging tests."""
    membership, _ = Membership.objects.update_or_create(
        community=community,
        user=user,
        defaults={
            "role": role,
            "status": status,
            "organisation": user.organisation,
            "principal": principal,
            "norms_accepted": community.norms_version,
        },
    )
    counted = Membership.objects.filter(
        community=community, status__in=Membership.SEATED, role__in=["member", "facilitator"]
    ).count()
    Community.objects.filter(pk=community.pk).update(member_count=counted)
    community.member_count = counted
    from copse.core.permissions import forget_standings

    forget_standings(user)
    return membership


def request_join(community: Community, user: User) -> JoinRequest:
    return JoinRequest.objects.create(community=community, user=user, note="Please let me in.")


def invite_email(community: Community, email: str, invited_by=None) -> Invitation:
    return Invitation.objects.create(community=community, email=email, invited_by=invited_by)


def site_environment(var, **extra) -> dict[str, str]:
    """The environment of a `copse` process run by a test on a site folder of
    its own: this process's settings left out, a SQLite database in `var`,
    debug off; `extra` adds or overrides variables."""
    import os

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COPSE_", "DJANGO_", "PYTEST", "PG")) and key != "DATABASE_URL"
    }
    env.update(
        COPSE_VAR_DIR=str(var),
        COPSE_DEBUG="0",
        COPSE_SECRET_KEY="test-site-key-" + "x" * 40,
        DJANGO_SETTINGS_MODULE="copse.settings",
        DATABASE_URL=f"sqlite:///{var}/copse.sqlite3",
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def members_open_up(community: Community, proposer: User, *, visibility: str = "", listed=None):
    """The members consent to making `community` less private, the only way
    it becomes so: `proposer`'s visibility proposal closes after its deadline
    with no block. Returns the proposal; `community` is refreshed."""
    import datetime as dt

    from django.utils import timezone

    from copse.core import permissions
    from copse.decisions import services as decisions

    deadline = timezone.now() + dt.timedelta(days=1, minutes=1)
    proposal = decisions.create_proposal(
        actor=proposer,
        community=community,
        title=f"Make {community.name} less private",
        body="So that more people can learn from what we write from now on.",
        kind="visibility",
        deadline=deadline,
        new_visibility=visibility,
        new_listed=listed,
    )
    closed = decisions.close_if_due(proposal.pk, now=deadline + dt.timedelta(seconds=1))
    assert closed is not None and closed.status == "passed", closed and closed.result
    community.refresh_from_db()
    permissions.forget_standings(proposer)
    return closed


def set_visibility(community: Community, facilitator: User, visibility: str) -> None:
    """More private directly, as the settings page does; less private by the
    members' consent (`members_open_up`)."""
    from copse.communities import privacy
    from copse.communities.services import update_settings

    if privacy.lowers(community.visibility, visibility):
        members_open_up(community, facilitator, visibility=visibility)
    else:
        update_settings(actor=facilitator, community=community, visibility=visibility)
