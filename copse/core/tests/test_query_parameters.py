"""Malformed query parameters never crash a page.

Every list view's cursors, filters and page numbers are typed by hand, pasted
from mail, cut short by mail clients or made up. Whatever arrives, the answer
is a page (200), a 400 page or a 404: never a 500. The list below names every
GET page that reads its query string and every parameter it reads;
`test_every_query_parameter_a_view_reads_is_listed` fails when a view starts
reading one that is not here.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copse.conversations.selectors import ThreadFilters
from copse.search.forms import SearchForm

# The tests below ask the authorization matrix's `world` (conftest.py): a
# confidential community with one person in each role, a thread, a tag, norms,
# topics, meetings, mail and audit rows.

CURSOR = ["before"]
AFTER = ["after"]


def _slug(ctx):
    return {"slug": "circle"}


def _thread(ctx):
    return {"slug": "circle", "thread_id": ctx["thread_id"]}


THREAD_FILTERS = ["kind", "tag", "unanswered", "mine", "after"]
SEARCH_FIELDS = list(SearchForm.base_fields)

# url name: (path kwargs, who asks, the parameters the page reads)
LIST_VIEWS = {
    "notifications:inbox": (None, "member", CURSOR),
    "communities:directory": (None, "member", ["after", "q"]),
    "communities:members": (_slug, "member", AFTER),
    "communities:programme": (None, "site_admin", []),
    "memberships:manage": (_slug, "facilitator", []),
    "conversations:list": (_slug, "member", THREAD_FILTERS),
    "conversations:new": (_slug, "member", ["kind", "library_item"]),
    "conversations:thread": (_thread, "member", ["after", "unread", "page", "quote"]),
    "conversations:summary_print": (_thread, "member", ["names"]),
    "conversations:summary_markdown": (_thread, "member", ["names"]),
    "conversations:catalogue": (None, "member", ["kind"]),
    "conversations:catalogue_manage": (None, "site_admin", []),
    "conversations:tag": (lambda ctx: {"slug": "telecom"}, "member", AFTER),
    "topics:backlog": (_slug, "member", ["status", "after", "nominate"]),
    "projects:list": (_slug, "member", AFTER),
    "projects:section": (
        lambda ctx: {
            "slug": "circle",
            "project_id": ctx["project_id"],
            "section_id": ctx["section_id"],
        },
        "member",
        ["revision", "before"],
    ),
    "meetings:mine": (None, "member", []),
    "meetings:list": (_slug, "member", CURSOR),
    "meetings:records": (_slug, "member", CURSOR),
    "meetings:new": (_slug, "facilitator", ["kind"]),
    "meetings:series": (_slug, "member", []),
    "meetings:hosts": (_slug, "facilitator", []),
    "audit:community": (_slug, "facilitator", CURSOR),
    "audit:all": (None, "site_admin", CURSOR),
    "search:search": (None, "member", SEARCH_FIELDS),
    "mailing:sent": (None, "member", CURSOR),
    "mailing:outbox": (None, "site_admin", []),
    "mailing:original": (lambda ctx: {"inbound_id": ctx["inbound_id"]}, "member", ["download"]),
    "people:profile": (lambda ctx: {"handle": ctx["member_handle"]}, "member", CURSOR),
    "norms:diff": (_slug, "member", ["from", "to"]),
    "library:list": (_slug, "member", ["kind", "area", "tag", "after"]),
    "organisations:list": (None, "site_admin", []),
    "healthz": (None, "member", ["scope"]),
    "expertise:community": (_slug, "member", AFTER),
    "expertise:who_has_used": (None, "member", ["tag"]),
    "decisions:list": (_slug, "member", ["state", "after"]),
    # The settings page links here with what a facilitator tried to change.
    "decisions:new": (_slug, "member", ["kind", "new_visibility", "new_listed"]),
    "decisions:polls": (_slug, "member", ["state", "after"]),
    "decisions:poll_new": (_slug, "member", ["purpose", "meeting"]),
    # The section picked on the norms page, or an older amendment to redo.
    "decisions:amendment_new": (_slug, "member", ["redo", "section"]),
    # The period of the sponsor's report: 90 or 365 days, anything else the default.
    "sponsors:report": (None, "sponsor", ["days"]),
    "sponsors:report_csv": (None, "sponsor", ["days"]),
    # The period looked back over: 30, 90 or 365 days, anything else 90.
    "health:health": (_slug, "facilitator", ["days"]),
    "health:progress": (_slug, "member", ["days"]),
    "value:list": (_slug, "member", ["cycle", "after"]),
    # "Record it" on a prompt names the prompt.
    "value:new": (_slug, "member", ["prompt"]),
    "value:time": (_slug, "member", ["days"]),
    "webhooks:list": (_slug, "facilitator", []),
    "webhooks:deliveries": (
        lambda ctx: {"slug": "circle", "hook_id": ctx["webhook_id"]},
        "facilitator",
        AFTER,
    ),
    "webhooks:site_list": (None, "site_admin", []),
    "webhooks:site_deliveries": (
        lambda ctx: {"hook_id": ctx["site_webhook_id"]},
        "site_admin",
        AFTER,
    ),
}

# What a link from the product itself sends, where a page needs it.
NORMAL = {"norms:diff": {"from": "1", "to": "2"}, "expertise:who_has_used": {"tag": "acme-carrier"}}

# Every list also gets parameters it never reads: they must be ignored.
STRAY = ["page", "before", "after", "q", "status", "kind"]

NASTY = [
    "abc|1",
    "abc",
    "|",
    "||",
    "1|",
    "|1",
    "\x00",
    "1|\x00|1",
    "\x00|1",
    "0|\x00|1",
    "²",
    "1|²",
    "0|2024-01-01T00:00:00+00:00|²",
    "-1",
    "-99999999999999999999999999",
    "99999999999999999999999999",
    "9" * 5000,
    "1|2024-01-01T00:00:00+00:00|99999999999999999999999",
    "2024-01-01T00:00:00+00:00|99999999999999999999999",
    "2024-13-45T25:61:00|1",
    "2024-02-30T00:00:00|1",
    "0001-01-01T00:00:00+14:00|1",
    "9999-12-31T23:59:59-14:00|1",
    "1|9999-12-31T23:59:59-14:00|1",
    "0|0001-01-01T00:00:00+14:00|1",
    "2024-01-01T00:00:00|1",
    "1|Zoë|1",
    "0|Name|with|pipes|1",
    "last",
    "1e9",
    "0x10",
    " 1",
    "1 ",
    "١٢",
    "<script>",
    "%00",
    "🌳" * 300,
]

integers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
moments = st.datetimes().map(lambda d: d.isoformat())
aware_moments = st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
piece = st.one_of(st.text(max_size=20), integers, moments, aware_moments, st.sampled_from(NASTY))
values = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    integers,
    st.sampled_from(NASTY),
    st.lists(piece, min_size=1, max_size=4).map("|".join),
)


def _get(client, world_, name, query):
    _, people, ctx = world_
    kwargs_of, role, _ = LIST_VIEWS[name]
    client.force_login(people[role])
    url = reverse(name, kwargs=kwargs_of(ctx) if kwargs_of else None)
    return client.get(url, query)


@pytest.mark.parametrize("name", list(LIST_VIEWS))
def test_known_malformed_values_never_crash_a_list(client, world, name):
    response = _get(client, world, name, NORMAL.get(name, {}))
    assert response.status_code in (200, 302), f"{name} fails even as the product links it"
    params = LIST_VIEWS[name][2] or STRAY
    for param in params:
        for value in NASTY:
            response = _get(client, world, name, {param: value})
            assert response.status_code < 500, f"{name} ?{param}={value!r}"


@pytest.mark.parametrize("name", list(LIST_VIEWS))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_query_string_gives_a_page_or_a_400_never_a_500(client, world, name, data):
    params = LIST_VIEWS[name][2] or STRAY
    chosen = data.draw(st.lists(st.sampled_from([*params, *STRAY]), min_size=1, unique=True))
    query = {param: data.draw(values, label=param) for param in chosen}
    response = _get(client, world, name, query)
    assert response.status_code < 500, f"{name} {query!r}"


def test_notifications_with_a_mangled_cursor_show_the_first_page(client, world):
    """The issue's own example: `?before=abc|1` once raised a 500."""
    _, people, _ = world
    client.force_login(people["member"])
    response = client.get(reverse("notifications:inbox"), {"before": "abc|1"})
    assert response.status_code == 200
    assert b"mentioned you" in response.content or b"mention" in response.content


def test_every_query_parameter_a_view_reads_is_listed():
    """A view that starts reading a new query parameter must be fuzzed too."""
    listed = {param for _, _, params in LIST_VIEWS.values() for param in params}
    read = set()
    for views in Path(__file__).resolve().parents[2].glob("*/*views.py"):
        source = views.read_text()
        read |= set(re.findall(r"request\.GET\.get\(\s*\"([^\"]+)\"", source))
        if "ThreadFilters.from_query(request.GET)" in source:
            read |= {f.name for f in ThreadFilters.__dataclass_fields__.values()}
        if "SearchForm(request.GET" in source:
            read |= set(SearchForm.base_fields)
    assert read, "no view reads its query string? the scan is broken"
    assert read <= listed, f"not fuzzed: {sorted(read - listed)}"
