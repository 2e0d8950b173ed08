"""Error pages people meet: an expired form, a missing page, a failure on our side.

Each is the site's own styled page with a clear next step, and none shows a
stack trace or the words of the failure. This module is also a URLconf (the
site's URLs plus one view that fails) for the server-error tests.
"""

import logging

import pytest
from django.test import Client, override_settings
from django.urls import path

from copse import testing
from copse import urls as site_urls

FAILURE_DETAIL = "telecom ledger row 4711 is inconsistent"


def failing_view(request):
    raise RuntimeError(FAILURE_DETAIL)


urlpatterns = [path("test-only/fails/", failing_view), *site_urls.urlpatterns]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def assert_styled_page(response, *, status: int, title: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    # The site's layout: navigation, a main landmark, the stylesheet, a way on.
    assert 'class="site-header"' in html
    assert '<main id="main"' in html
    assert "/static/copse/copse.css" in html
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert 'href="/communities/"' in html
    assert "Traceback" not in html
    return html


@pytest.fixture
def lee(db):
    return testing.make_user("lee@university.example", name="Lee Okafor")


def test_an_expired_form_gets_a_clear_page_and_keeps_nothing_secret(lee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lee)
    response = client.post(
        "/accounts/profile/", {"display_name": "Lee O.", "time_zone": "UTC", "bio": "My notes"}
    )
    html = assert_styled_page(response, status=403, title="Your form expired")
    assert "Back button" in html
    assert "CSRF" not in html
    lee.refresh_from_db()
    assert lee.display_name == "Lee Okafor"


def test_an_expired_form_signed_out_gets_the_same_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "x@example.com", "password": "x"})
    assert_styled_page(response, status=403, title="Your form expired")


def test_a_missing_page_gets_the_styled_404(db):
    response = Client().get("/no/such/page/")
    html = assert_styled_page(response, status=404, title="Page not found")
    assert "nothing you can see" in html


def test_a_missing_page_signed_in_keeps_the_navigation(lee):
    client = Client()
    client.force_login(lee)
    response = client.get("/c/no-such-community/")
    html = assert_styled_page(response, status=404, title="Page not found")
    assert "Sign out" in html


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_failure_on_our_side_gets_the_styled_500_without_a_traceback(lee, signed_in, caplog):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(lee)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test-only/fails/")
    html = assert_styled_page(response, status=500, title="Something went wrong on our side")
    assert FAILURE_DETAIL not in html
    assert "RuntimeError" not in html
    assert "failing_view" not in html
    assert "Back button" in html
    # Operators still learn what happened, from the log.
    assert FAILURE_DETAIL in caplog.text


@override_settings(ROOT_URLCONF=__name__)
def test_the_rest_of_the_site_still_answers_under_the_test_urls(db):
    assert Client().get("/healthz").status_code == 200
