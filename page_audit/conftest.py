"""The page audit (`make page-audit`): every page of the demo, as each role, through
the Nu HTML checker and through axe-core in Chromium at desktop and phone sizes.

The demo is loaded once into the test database and crawled once per role with
Django's test client; the tests read that crawl. The summary of what was
checked and found is printed at the end of the run.
"""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from copse.core.tests.test_authorization_matrix import ACCOUNT_PAGES, MATRIX

# The demo loader, imported here only, so a move of the demo touches one line.
from copse.demo.loader import load as load_demo
from page_audit.crawl import Crawl, Page, crawl

# Who looks, by demo login (the delegate reads for a member of the
# Administrators' CoP who stepped back; the sponsor holds the site role).
ROLES = {
    "anonymous": None,
    "guest": "sam@vendor.example",
    "member": "dev@contoso.example",
    "delegate": "tom.becker@university.example",
    "facilitator": "maria@northwind.example",
    "site_admin": "admin@copse.example",
    # Seated nowhere: sees the programme report, and every community as an outsider.
    "sponsor": "sponsor@copse.example",
    # A member of the Administrators' CoP who chose French on their profile:
    # every page they reach is checked again in the other language.
    "member_in_french": "lee@university.example",
}
# Roles whose person reads Copse in a language of their own choosing.
LANGUAGE_OF = {"member_in_french": "fr"}

# The error page everyone can meet, by the name the summary gives it.
NOT_FOUND = ("page not found", "/no-such-page/")

# A query string a person would send to a page that needs one.
QUERIES = {"search:search": "?q=telecom"}

# Lines of the summary, in the order the tests add them.
report: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if not report:
        return
    terminalreporter.write_line("")
    for line in report:
        terminalreporter.write_line(line)


def seeds(user) -> list[str]:
    """Where the crawl starts for `user` (None when signed out)."""
    urls = ["/"]
    # Every GET page that needs no argument.
    for name, (kwargs_of, method, query, _data, _statuses) in MATRIX.items():
        if method == "get" and kwargs_of is None:
            urls.append(reverse(name) + QUERIES.get(name, query))
    urls += [reverse(name) for name, kwargs in ACCOUNT_PAGES.items() if not kwargs]
    return (
        urls
        + _pages_of_ones_own(user)
        + _links_only_mail_gives(user)
        + _decisions_pages(user)
        + _pulses_pages(user)
        + _value_pages(user)
        + _webhooks_pages(user)
    )


def _pages_of_ones_own(user) -> list[str]:
    """The person's communities, the asks they started and the library items
    they wrote (whose pages alone link to sharing them): with only a few
    pages of each kind kept, the crawl would otherwise meet these by chance."""
    from django.db.models import F

    from copse.conversations.models import Thread
    from copse.library.models import LibraryItem
    from copse.memberships.models import Membership

    if user is None:
        return []
    slugs = Membership.objects.filter(user=user).values_list("community__slug", flat=True)
    threads = Thread.objects.filter(author=user).select_related("community").order_by("pk")[:2]
    # Meeting records are reached from the meetings' records page; the items
    # a person wrote themselves are the ones whose pages offer sharing.
    items = (
        LibraryItem.objects.filter(authors__person=user, removed_at=None)
        .exclude(kind=LibraryItem.Kind.MEETING_RECORD)
        .order_by(F("shared_at").desc(nulls_last=True), "pk")[:2]
    )
    return (
        [reverse("communities:home", args=[slug]) for slug in slugs]
        + [
            reverse("conversations:thread", args=[thread.community.slug, thread.pk])
            for thread in threads
        ]
        + [item.get_absolute_url() for item in items]
    )


def _decisions_pages(user) -> list[str]:
    """Each of the person's communities' proposals, the form for a new one,
    an open proposal and a decided one (with its outcome), and the revision
    form of an open proposal of their own: seeded so the crawl reaches them
    whether or not other pages link there yet."""
    from copse.decisions.models import Proposal
    from copse.memberships.models import Membership

    if user is None:
        return []
    urls = []
    slugs = Membership.objects.filter(user=user).values_list("community__slug", flat=True)
    for slug in slugs:
        urls += [reverse("decisions:list", args=[slug]), reverse("decisions:new", args=[slug])]
        proposals = Proposal.objects.filter(community__slug=slug).select_related("community")
        for status in ("open", "passed"):
            proposal = proposals.filter(status=status).order_by("pk").first()
            if proposal is not None:
                urls.append(proposal.get_absolute_url())
        own = proposals.filter(status="open", proposed_by=user).order_by("pk").first()
        if own is not None:
            urls.append(reverse("decisions:revise", args=[slug, own.pk]))
        urls.append(reverse("decisions:nominations", args=[slug]))
        urls.append(reverse("decisions:nomination_new", args=[slug]))
        urls.append(reverse("decisions:polls", args=[slug]))
    return urls


def _value_pages(user) -> list[str]:
    """Each of the person's communities' value stories, the form for a new
    one and the time page, a story they may read there, and their own
    story's edit and remove pages: seeded so the crawl reaches them."""
    from copse.memberships.models import Membership
    from copse.value.models import ValueStory

    if user is None:
        return []
    urls = []
    slugs = Membership.objects.filter(user=user).values_list("community__slug", flat=True)
    for slug in slugs:
        urls += [
            reverse("value:list", args=[slug]),
            reverse("value:new", args=[slug]),
            reverse("value:time", args=[slug]),
        ]
        shared = (
            ValueStory.objects.filter(community__slug=slug, removed_at=None)
            .exclude(sharing="private")
            .select_related("community")
            .order_by("pk")
            .first()
        )
        if shared is not None:
            urls.append(shared.get_absolute_url())
    own = ValueStory.objects.filter(author=user, removed_at=None).select_related("community")
    for story in own.order_by("pk")[:1]:
        urls += [
            story.get_absolute_url(),
            reverse("value:edit", args=[story.community.slug, story.pk]),
            reverse("value:remove", args=[story.community.slug, story.pk]),
        ]
    return urls


def _webhooks_pages(user) -> list[str]:
    """The webhooks of the communities the person facilitates, or the
    site-wide ones for a site admin: each list, the form for a new one, and
    each webhook's page and delivery log."""
    from copse.core import permissions
    from copse.webhooks.models import Webhook

    if user is None:
        return []
    urls = []
    facilitated = [
        community_id
        for community_id, standing in permissions.seated_standings(user).items()
        if standing.is_facilitator
    ]
    hooks = Webhook.objects.filter(community_id__in=facilitated).select_related("community")
    for hook in hooks.order_by("pk"):
        slug = hook.community.slug
        urls += [
            reverse("webhooks:list", args=[slug]),
            reverse("webhooks:new", args=[slug]),
            reverse("webhooks:edit", args=[slug, hook.pk]),
            reverse("webhooks:deliveries", args=[slug, hook.pk]),
        ]
    if permissions.can(user, "programme.manage_webhooks"):
        for hook in Webhook.objects.filter(community__isnull=True).order_by("pk"):
            urls += [
                reverse("webhooks:site_edit", args=[hook.pk]),
                reverse("webhooks:site_deliveries", args=[hook.pk]),
            ]
    return urls


def _pulses_pages(user) -> list[str]:
    """Each of the person's communities' trust pulses, the form to schedule
    one, and its latest three pulses (open, closed with results, closed with
    too few answers, as the demo has them)."""
    from copse.memberships.models import Membership
    from copse.pulses.models import Pulse

    if user is None:
        return []
    urls = []
    slugs = Membership.objects.filter(user=user).values_list("community__slug", flat=True)
    for slug in slugs:
        urls += [reverse("pulses:list", args=[slug]), reverse("pulses:new", args=[slug])]
        pulses = Pulse.objects.filter(community__slug=slug).select_related("community")
        urls += [pulse.get_absolute_url() for pulse in pulses.order_by("-opens_on")[:3]]
    return urls


def _links_only_mail_gives(user) -> list[str]:
    """Pages no page links to: an invitation, unsubscribing by mail, and a
    post's history (linked only once a post is edited, which no demo post is)."""
    from copse.conversations.models import Post
    from copse.mailing import tokens
    from copse.memberships.links import invitation_token
    from copse.memberships.models import Invitation, Membership

    urls = []
    invitation = Invitation.objects.filter(accepted_at=None, revoked_at=None).first()
    if invitation is not None:
        urls.append(reverse("memberships:invitation", args=[invitation_token(invitation)]))
    seat = Membership.objects.filter(
        **({"user": user} if user is not None else {"user__email": ROLES["member"]})
    ).first()
    if seat is not None:
        token = tokens.unsubscribe_token(
            user_id=seat.user_id, community_id=seat.community_id, version=1
        )
        urls.append(reverse("mailing:unsubscribe", args=[token]))
    if user is not None:
        post = (
            Post.objects.filter(author=user, position=0)
            .select_related("thread__community")
            .order_by("pk")
            .first()
        )
        if post is not None:
            slug = post.thread.community.slug
            urls.append(reverse("conversations:post_history", args=[slug, post.pk]))
    return urls


@pytest.fixture(scope="session")
def crawls(django_db_setup, django_db_blocker) -> dict[str, Crawl]:
    from copse.accounts.models import User

    started = time.monotonic()
    with django_db_blocker.unblock():
        load_demo()
        for role, language in LANGUAGE_OF.items():
            User.objects.filter(email=ROLES[role]).update(language=language)
        loaded = time.monotonic()
        result = {}
        for role, email in ROLES.items():
            user = None if email is None else User.objects.get(email=email)
            client = Client()
            if user is not None:
                client.force_login(user)
            result[role] = crawl(client, role, seeds(user))
            name, url = NOT_FOUND
            response = client.get(url)
            result[role].pages.append(
                Page(role, name, url, response.content.decode(), response.status_code)
            )
    report.append(
        f"Demo loaded in {loaded - started:.0f} s; crawled as {len(ROLES)} roles "
        f"in {time.monotonic() - loaded:.0f} s: "
        + ", ".join(f"{role} {len(c.pages)} pages" for role, c in result.items())
        + "."
    )
    return result
