"""Schemathesis against the API's own OpenAPI document, over the demo site.

Every operation gets generated requests (valid and invalid: odd ids, cursors,
bodies) sent through the WSGI application with a token of Ana, who sits in
other demo communities but not in the confidential Silicon Valley CIO CoP.
Whatever is generated, the API must:
- never answer 500;
- answer only statuses and bodies its document declares, and refuse
  requests that break it (422);
- never return a word of what the CIO CoP keeps (its threads and posts,
  its proposals, the library items it keeps to itself).

One check is left out: that every request the document allows is accepted.
The document cannot say every rule (a time zone's name, a reply to a locked
thread, words that are only spaces); those answer 400 or 403 with a reason,
which the checks that remain hold to the declared shape.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from copse.accounts.models import User
from copse.api.tests.helpers import token_for
from copse.conversations.models import Post, Thread
from copse.core import permissions
from copse.decisions.models import Proposal
from copse.library.models import LibraryItem

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "sv-cio-cop"
OUTSIDER = "ana@fabrikam.example"
EXAMPLES_PER_OPERATION = 25


def _secrets(outsider) -> list[str]:
    """Sentences only the CIO CoP's seated may read: its thread titles and
    the opening lines of its posts, its proposals' titles, and the titles of
    its library items but those its authors shared beyond it (which anyone
    signed in reads)."""
    titles = Thread.objects.filter(community__slug=CONFIDENTIAL).values_list("title", flat=True)
    bodies = Post.objects.filter(community__slug=CONFIDENTIAL).values_list("body", flat=True)
    lines = [title for title in titles if len(title) >= 15]
    lines += [body.strip().splitlines()[0][:60] for body in bodies if len(body.strip()) >= 30]
    lines += [
        title
        for title in Proposal.objects.filter(community__slug=CONFIDENTIAL).values_list(
            "title", flat=True
        )
        if len(title) >= 15
    ]
    unshared = LibraryItem.objects.filter(community__slug=CONFIDENTIAL).exclude(
        permissions.readable_items_q(outsider)
    )
    lines += [title for title in unshared.values_list("title", flat=True) if len(title) >= 15]
    return lines


@pytest.fixture
def wsgi_in_the_test_transaction():
    """Django's own test client keeps the connection open across a request;
    a plain WSGI call would close it when the request ends, and with it the
    test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def demo(settings):
    # The WSGI test client names its host "localhost".
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.COPSE_API_RATE_PER_MINUTE = 100_000
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_fuzzing_the_api_finds_no_fault_and_no_leak(demo, wsgi_in_the_test_transaction):
    outsider = User.objects.get(email=OUTSIDER)
    assert not outsider.memberships.filter(community__slug=CONFIDENTIAL).exists()
    headers = {"Authorization": f"Bearer {token_for(outsider, scopes=['read', 'write'])}"}
    secrets = _secrets(outsider)
    assert len(secrets) > 10, "the demo's confidential community should hold conversations"
    kept = Proposal.objects.filter(community__slug=CONFIDENTIAL).values_list("title", flat=True)
    assert set(kept) & set(secrets), "and proposals"
    kept = LibraryItem.objects.filter(community__slug=CONFIDENTIAL).values_list("title", flat=True)
    assert set(kept) & set(secrets), "and a library of its own"

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_in_the_test_transaction)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    seen = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(headers=headers)
            seen.append(response.status_code)
            assert response.status_code < 500, case.as_curl_command()
            case.validate_response(
                response, headers=headers, excluded_checks=[positive_data_acceptance]
            )
            text = response.content.decode(errors="replace")
            for secret in secrets:
                assert secret not in text, f"{case.method} {case.formatted_path} leaked {secret!r}"

        check()

    # The fuzzing reached real answers, not only refusals.
    assert 200 in seen and 404 in seen

    # And by design, not chance: every library item and proposal of the CIO
    # CoP asked for by its id, and its lists. Only what its authors shared
    # beyond it answers, and nothing kept answers with a word of it.
    items = LibraryItem.objects.filter(community__slug=CONFIDENTIAL)
    shared = set(items.filter(permissions.readable_items_q(outsider)).values_list("pk", flat=True))
    assert shared, "the demo shares one of the CIO CoP's items beyond it"
    asked = {
        f"/api/library/{pk}": 200 if pk in shared else 404
        for pk in items.values_list("pk", flat=True)
    }
    asked.update(
        {
            f"/api/proposals/{pk}": 404
            for pk in Proposal.objects.filter(community__slug=CONFIDENTIAL).values_list(
                "pk", flat=True
            )
        }
    )
    for area in ("library", "proposals"):
        asked[f"/api/communities/{CONFIDENTIAL}/{area}"] = 404
    caller = Client(HTTP_AUTHORIZATION=headers["Authorization"])
    for url, status in asked.items():
        response = caller.get(url)
        assert response.status_code == status, url
        for secret in secrets:
            assert secret not in response.content.decode(), f"{url} leaked {secret!r}"
