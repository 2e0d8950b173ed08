"""Every URL in the URLconf against every role the permission core knows.

Adding a URL without adding it here fails `test_every_url_is_in_the_matrix`:
a new way of showing content must state who may reach it.

The community under test is confidential and unlisted, so anyone without a
standing in it must not learn it exists: they get the same 404 as for a
missing page, and the page never names the community.
"""

import importlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from copse.conversations import services as conversation_services
from copse.core import permissions
from copse.core.middleware import COMMUNITY_PAGE
from copse.core.tests.authorization import (
    ASKER,
    ASKER_POST,
    EVERYONE_200,
    FACILITATES,
    KNOWS_OF,
    MANAGES,
    MANAGES_POST,
    MODERATES,
    MODERATES_POST,
    NON_READERS,
    PROGRAMME,
    READS,
    READS_REDIRECT,
    ROLES,
    SEATED_POST,
    SECRET,
    SEES_MEMBERS,
    SIGNED_IN,
    expected_for,
)
from copse.memberships.links import invitation_token
from copse.memberships.models import Invitation, JoinRequest, Membership
from copse.norms.models import NormsVersion
from copse.notifications.services import notify

# Apps contribute their own rows; see copse/core/tests/authorization.py.
ROW_MODULES = [
    importlib.import_module(f"copse.{app}.tests.authorization_rows")
    for app in (
        "topics",
        "meetings",
        "calendars",
        "mailing",
        "organisations",
        "library",
        "projects",
        "expertise",
        "decisions",
        "sponsors",
        "pulses",
        "health",
        "value",
        "home",
        "webhooks",
        "api",
        "departures",
        "member_imports",
        "exports",
    )
]


def _slug(ctx):
    return {"slug": "circle"}


def _thread(ctx):
    return {"slug": "circle", "thread_id": ctx["thread_id"]}


def _opening_post(ctx):
    return {"slug": "circle", "post_id": ctx["opening_post_id"]}


def _reply_post(ctx):
    return {"slug": "circle", "post_id": ctx["reply_post_id"]}


# name: (kwargs(ctx), method, query string, data(ctx), expected statuses).
# A name may carry a variant after "#" ("library:item#meeting_record"): the
# same URL asked about another object.
MATRIX = {
    "home": (None, "get", "", None, [302] * 10),
    "healthz": (None, "get", "", None, EVERYONE_200),
    "communities:directory": (None, "get", "", None, EVERYONE_200),
    "communities:home": (_slug, "get", "", None, KNOWS_OF),
    "communities:members": (_slug, "get", "", None, SEES_MEMBERS),
    "communities:settings": (_slug, "get", "", None, MANAGES),
    "communities:appoint_facilitator": (_slug, "get", "", None, MANAGES),
    "communities:programme": (None, "get", "", None, PROGRAMME),
    "communities:programme_new": (None, "get", "", None, PROGRAMME),
    #                                                        an   nm   rq   iv   mb   dl   gp   fc   fm   sa
    "memberships:join": (
        _slug,
        "get",
        "",
        None,
        [302, 404, 404, 200, 302, 302, 404, 302, 404, 404],
    ),
    "memberships:request": (
        _slug,
        "get",
        "",
        None,
        [302, 404, 302, 200, 302, 302, 404, 302, 404, 200],
    ),
    "memberships:withdraw_request": (
        _slug,
        "post",
        "",
        None,
        [302, 404, 302, 302, 302, 302, 404, 302, 404, 302],
    ),
    "memberships:leave": (
        _slug,
        "get",
        "",
        None,
        [302, 404, 404, 404, 200, 200, 404, 200, 404, 404],
    ),
    "memberships:on_leave": (_slug, "post", "", lambda ctx: {"on_leave": "1"}, SEATED_POST),
    "memberships:manage": (_slug, "get", "", None, MANAGES),
    "memberships:decide": (
        lambda ctx: {"slug": "circle", "request_id": ctx["request_id"]},
        "post",
        "",
        lambda ctx: {"decision": "decline"},
        MANAGES_POST,
    ),
    "memberships:invite": (_slug, "get", "", None, MANAGES),
    "memberships:revoke_invitation": (
        lambda ctx: {"slug": "circle", "invitation_id": ctx["invitation_id"]},
        "post",
        "",
        None,
        MANAGES_POST,
    ),
    "memberships:remove": (
        lambda ctx: {"slug": "circle", "membership_id": ctx["membership_id"]},
        "get",
        "",
        None,
        MANAGES,
    ),
    "memberships:role": (
        lambda ctx: {"slug": "circle", "membership_id": ctx["membership_id"]},
        "post",
        "",
        lambda ctx: {"role": "member"},
        MANAGES_POST,
    ),
    "memberships:appoint_delegate": (_slug, "post", "", None, MANAGES_POST),
    # The link itself is the credential: whoever holds it sees the invitation.
    "memberships:invitation": (lambda ctx: {"token": ctx["token"]}, "get", "", None, EVERYONE_200),
    "norms:current": (_slug, "get", "", None, KNOWS_OF),
    "norms:version": (lambda ctx: {"slug": "circle", "number": 1}, "get", "", None, KNOWS_OF),
    "norms:diff": (_slug, "get", "?from=1&to=2", None, KNOWS_OF),
    "norms:edit": (_slug, "get", "", None, FACILITATES),
    "norms:accept": (_slug, "post", "", lambda ctx: {"norms_version": "2"}, SEATED_POST),
    "norms:acceptance": (_slug, "get", "", None, FACILITATES),
    "audit:community": (_slug, "get", "", None, MANAGES),
    "audit:all": (None, "get", "", None, PROGRAMME),
    "organisations:list": (None, "get", "", None, PROGRAMME),
    "organisations:new": (None, "get", "", None, PROGRAMME),
    "organisations:edit": (lambda ctx: {"pk": ctx["organisation_id"]}, "get", "", None, PROGRAMME),
    "accounts:profile": (None, "get", "", None, SIGNED_IN),
    # Conversations: the thread is an ask by the member, replied to by the facilitator.
    "conversations:list": (_slug, "get", "", None, READS),
    "conversations:new": (
        _slug,
        "get",
        "",
        None,
        [302, 404, 404, 404, 200, 404, 404, 200, 404, 404],
    ),
    "conversations:save_draft": (_slug, "post", "", lambda ctx: {"body": "draft"}, SEATED_POST),
    "conversations:thread": (_thread, "get", "", None, READS),
    "conversations:reply": (
        _thread,
        "post",
        "",
        lambda ctx: {"body": "Thanks"},
        [302, 404, 404, 404, 302, 400, 404, 302, 404, 404],
    ),
    "conversations:moderate": (_thread, "post", "", lambda ctx: {"action": "pin"}, MODERATES_POST),
    "conversations:move": (_thread, "get", "", None, MODERATES),
    "conversations:subscription": (
        _thread,
        "post",
        "",
        lambda ctx: {"level": "muted"},
        SEATED_POST,
    ),
    "conversations:close_ask": (_thread, "post", "", None, ASKER_POST),
    "conversations:summary": (_thread, "get", "", None, ASKER),
    "conversations:summary_print": (_thread, "get", "", None, ASKER),
    "conversations:summary_markdown": (_thread, "get", "", None, ASKER),
    "conversations:edit_post": (_opening_post, "get", "", None, ASKER),
    "conversations:remove_post": (
        _opening_post,
        "get",
        "",
        None,
        [302, 404, 404, 404, 200, 404, 404, 200, 404, 404],
    ),
    "conversations:post_history": (_opening_post, "get", "", None, READS),
    "conversations:helpful": (_reply_post, "post", "", None, ASKER_POST),
    # A file attached to the facilitator's reply: whoever may read the post.
    "conversations:attachment": (
        lambda ctx: {"slug": "circle", "attachment_id": ctx["attachment_id"]},
        "get",
        "",
        None,
        READS,
    ),
    "conversations:jump": (
        lambda ctx: {"thread_id": ctx["thread_id"]},
        "get",
        "",
        None,
        READS_REDIRECT,
    ),
    "conversations:catalogue": (None, "get", "", None, EVERYONE_200),
    "conversations:catalogue_manage": (None, "get", "", None, PROGRAMME),
    "conversations:tag": (lambda ctx: {"slug": "telecom"}, "get", "", None, READS),
    "notifications:inbox": (None, "get", "", None, SIGNED_IN),
    "notifications:mark_all_read": (None, "post", "", None, [302] * 10),
    "notifications:open": (
        lambda ctx: {"notification_id": ctx["notification_id"]},
        "get",
        "",
        None,
        [302, 404, 404, 404, 302, 404, 404, 404, 404, 404],
    ),
    "people:profile": (
        lambda ctx: {"handle": ctx["member_handle"]},
        "get",
        "",
        None,
        [302, 404, 404, 404, 200, 200, 404, 200, 404, 200],
    ),
    "search:search": (None, "get", "?q=telecom", None, EVERYONE_200),
}

# django-allauth's account pages show no community content; each is requested
# by every role and must answer without a server error or a community's name.
for _module in ROW_MODULES:
    assert not set(_module.ROWS) & set(MATRIX), f"{_module.__name__} repeats a row"
    MATRIX.update(_module.ROWS)

ACCOUNT_PAGES = {
    "account_login": {},
    "account_logout": {},
    "account_inactive": {},
    "account_signup": {},
    "account_reauthenticate": {},
    "account_email": {},
    "account_email_verification_sent": {},
    "account_change_password": {},
    "account_set_password": {},
    "account_reset_password": {},
    "account_confirm_login_code": {},
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key_done": {},
    "account_reset_password_from_key": {"uidb36": "1", "key": "bad-key"},
    "account_reset_password_done": {},
    "mfa_index": {},
    "mfa_authenticate": {},
    "mfa_reauthenticate": {},
    "mfa_activate_totp": {},
    "mfa_deactivate_totp": {},
    "mfa_view_recovery_codes": {},
    "mfa_generate_recovery_codes": {},
    "mfa_download_recovery_codes": {},
    # Single sign-on (allauth's social accounts, copse/sso). The provider's
    # pages answer 404 for a provider the site does not configure; the signed
    # sign-in itself is tested against a real provider in copse/sso/tests.
    "socialaccount_connections": {},
    "socialaccount_signup": {},
    "socialaccount_login_cancelled": {},
    "socialaccount_login_error": {},
    "openid_connect_login": {"provider_id": "no-such-provider"},
    "openid_connect_callback": {"provider_id": "no-such-provider"},
}
if "allauth.socialaccount.providers.saml" in settings.INSTALLED_APPS:
    # Only where a site installed python3-saml and configured a SAML provider.
    ACCOUNT_PAGES.update(
        {
            f"saml_{page}": {"organization_slug": "no-such-provider"}
            for page in ("acs", "finish_acs", "sls", "metadata", "login")
        }
    )

# allauth's old addresses of its social-account pages: unnamed permanent
# redirects to the named ones above.
ALLAUTH_OLD_ADDRESSES = {
    "<unnamed social/login/cancelled/>": "socialaccount_login_cancelled",
    "<unnamed social/login/error/>": "socialaccount_login_error",
    "<unnamed social/signup/>": "socialaccount_signup",
    "<unnamed social/connections/>": "socialaccount_connections",
}


def _url_name(name: str) -> str:
    return name.split("#", 1)[0]


def _all_url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _all_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or f"<unnamed {pattern.pattern}>")


def test_every_url_is_in_the_matrix():
    # The API's operations answer to tokens and scopes as well as roles: their
    # matrix is copse/api/tests/test_authorization.py, which fails for any
    # operation without a row.
    names = {
        name for name in _all_url_names(get_resolver().url_patterns) if not name.startswith("api:")
    }
    rows = {_url_name(name) for name in MATRIX}
    known = set(ACCOUNT_PAGES) | set(ALLAUTH_OLD_ADDRESSES)
    missing = names - rows - known
    stale = (rows | known) - names
    assert not missing, f"URLs without an authorization row: {sorted(missing)}"
    assert not stale, f"Matrix rows for URLs that no longer exist: {sorted(stale)}"


def build_world(community, people):
    for number, body in (
        (1, "What is said here stays here."),
        (2, "What is said here stays here.\nBe on time."),
    ):
        NormsVersion.objects.create(
            community=community, number=number, body=body, change_note=f"v{number}"
        )
    community.norms_version = 2
    community.save(update_fields=["norms_version"])
    Membership.objects.filter(community=community).update(norms_accepted=2)
    invitation = Invitation.objects.get(community=community, email="invitee@example.com")
    thread = conversation_services.start_thread(
        actor=people["member"],
        community=community,
        kind="ask",
        title=SECRET,
        body="Who has switched carriers? We pay too much.",
        tag_names=["telecom"],
    )
    reply = conversation_services.post_reply(
        actor=people["facilitator"],
        thread=thread,
        body=f"We did, @{people['member'].handle}. {SECRET}.",
        files=[SimpleUploadedFile("costs.txt", b"carrier,saving\nVendor Networks,27%\n")],
    )
    notification = notify(
        user=people["member"],
        kind="mention",
        target=reply,
        actor=people["facilitator"],
        read_action="post.read",
    )
    ctx = {
        "thread_id": thread.pk,
        "opening_post_id": thread.posts.get(position=0).pk,
        "reply_post_id": reply.pk,
        "notification_id": notification.pk,
        "member_handle": people["member"].handle,
        "request_id": JoinRequest.objects.get(community=community).pk,
        "invitation_id": invitation.pk,
        "membership_id": Membership.objects.get(community=community, user=people["member"]).pk,
        "token": invitation_token(invitation),
        "organisation_id": people["member"].organisation_id,
        "attachment_id": reply.attachments.get().pk,
    }
    for module in ROW_MODULES:
        module.build(community, people, ctx)
    for user in people.values():
        if user is not None:
            permissions.forget_standings(user)
    return community, people, ctx


def _client_for(client, people, role):
    if people[role] is not None:
        client.force_login(people[role])
    return client


CASES = [(name, role) for name in MATRIX for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_url_answers_each_role_as_the_matrix_says(client, world, name, role):
    community, people, ctx = world
    kwargs_of, method, query, data_of, expected = MATRIX[name]
    url = reverse(_url_name(name), kwargs=kwargs_of(ctx) if kwargs_of else None) + query
    _client_for(client, people, role)
    response = getattr(client, method)(url, data_of(ctx) if data_of else {})
    want = expected_for(expected, role)
    if role == "anonymous" and method == "get" and want == 404 and COMMUNITY_PAGE.match(url):
        # Signed out, a community's page one cannot see sends to sign-in, as a
        # missing one does (SignInFirstMiddleware; test_signed_out_links.py).
        want = 302
    assert response.status_code == want, f"{method.upper()} {url} as {role}"
    # A file sent to whoever holds a link streams; it must not leak either.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code == 404:
        assert community.name.encode() not in body
        assert b"Page not found" in body
    if role in NON_READERS:
        assert SECRET.encode() not in body, f"{name} shows the thread to {role}"
        # Counts must not reveal hidden matches either.
        if name == "search:search":
            assert b"0 results" in response.content
        if name == "conversations:catalogue":
            assert b"telecom" not in response.content
    elif name == "search:search":
        assert b"2 results" in response.content
    if response.status_code == 302 and role == "anonymous" and want == 302 and name != "home":
        assert "/accounts/login/" in response["Location"]


ACCOUNT_CASES = [(name, role) for name in ACCOUNT_PAGES for role in ROLES]


@pytest.mark.parametrize(
    ("name", "role"), ACCOUNT_CASES, ids=[f"{n}-{r}" for n, r in ACCOUNT_CASES]
)
def test_account_pages_never_fail_nor_name_a_community(client, world, name, role):
    community, people, _ = world
    _client_for(client, people, role)
    response = client.get(reverse(name, kwargs=ACCOUNT_PAGES[name] or None))
    assert response.status_code < 500
    assert community.name.encode() not in response.content


@pytest.mark.parametrize("unnamed", sorted(ALLAUTH_OLD_ADDRESSES))
def test_allauths_old_addresses_only_redirect_to_the_named_pages(client, unnamed):
    path = "/accounts/" + unnamed.removeprefix("<unnamed ").removesuffix(">")
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == reverse(ALLAUTH_OLD_ADDRESSES[unnamed])


def test_site_admin_reaches_no_content_of_a_confidential_community(client, world):
    """Admins manage memberships, but reading (the community.read rule) stays closed."""
    community, people, _ = world
    assert permissions.can(people["site_admin"], "community.manage", community)
    assert not permissions.can(people["site_admin"], "community.read", community)
    assert not permissions.can(people["site_admin"], "community.contribute", community)
    assert not permissions.can(people["site_admin"], "community.publish_norms", community)


# Who may give or widen a key (see "The seat is the only key" in
# docs/architecture.md). One answer per role, in ROLES order.
#                                          an  nm  rq  iv  mb  dl  gp  fc  fm  sa
SEAT_RULES = {
    "community.seat_first_facilitator": [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    "community.open_up": [0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
    "community.appoint_delegate": [0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
}
SEAT_CASES = [(action, role) for action in SEAT_RULES for role in ROLES]


@pytest.mark.parametrize(("action", "role"), SEAT_CASES, ids=[f"{a}-{r}" for a, r in SEAT_CASES])
def test_seat_rules_answer_each_role_as_the_matrix_says(world, action, role):
    community, people, _ = world
    want = bool(expected_for(SEAT_RULES[action], role))
    assert permissions.can(people[role], action, community) is want


def test_an_announcement_opens_for_the_facilitator_it_was_for_and_nobody_else(client, world):
    from copse.audit.services import record

    community, people, _ = world
    entry = record(
        actor=people["site_admin"],
        action="community.settings_changed",
        community=community,
        changes={"listed": [False, True]},
    )
    announcement = notify(
        user=people["facilitator"],
        kind="announcement",
        target=entry,
        actor=people["site_admin"],
        read_action="community.view_audit",
    )
    url = reverse("notifications:open", args=[announcement.pk])
    for role in ROLES:
        client.logout()
        _client_for(client, people, role)
        response = client.get(url)
        want = {"anonymous": 302, "facilitator": 302}.get(role, 404)
        assert response.status_code == want, role
    client.force_login(people["facilitator"])
    assert client.get(url)["Location"] == reverse("audit:community", args=[community.slug])
