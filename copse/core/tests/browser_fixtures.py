"""Browser fixtures for the journeys of every app (a plugin of the root
conftest): one headless Chromium per test session, a fresh context (cookies,
viewport, JavaScript on or off) per page.

Playwright's sync API keeps an asyncio event loop running in the main thread
from the moment it starts until it stops. Django refuses ORM calls from such a
thread, and asgiref refuses async_to_sync in it, so two things follow:
DJANGO_ALLOW_ASYNC_UNSAFE is set while the browser lives (the test thread only
arranges data; the live server answers requests in its own thread), and tests
marked `browser` run after every other test of the session, so no other test
ever runs beside that loop.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a cold page on a slow machine; short enough that a missing
# element fails the journey quickly instead of hanging it.
TIMEOUT_MS = 10_000
# What Chromium logs when the Content-Security-Policy blocks something.
CSP_VIOLATION = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)


def pytest_collection_modifyitems(session, config, items):
    """Run browser journeys last (see the module docstring for why)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


class MissingChromium:
    """Stands in for the browser when Chromium is not installed, so that every
    journey fails (never skips) with the same message when it opens a page."""

    def __getattr__(self, name):
        pytest.fail(
            f"The browser journeys need Chromium at {CHROMIUM}: install Debian's chromium "
            "(apt-get install chromium).",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        yield MissingChromium()
        return
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(viewport=…, javascript=…, user=…)` gives a page in a new context.

    Each page records what the browser reported as a Content-Security-Policy
    violation or an uncaught script error in `page.csp_violations` and
    `page.script_errors`. Passing `user` signs that person in without the form
    (for journeys that are not about signing in).
    """
    contexts = []

    def _open(*, viewport=None, javascript=True, user=None):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or {"width": 1280, "height": 900},
            java_script_enabled=javascript,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.csp_violations = []
        page.script_errors = []
        page.on(
            "console",
            lambda message: (
                page.csp_violations.append(message.text)
                if CSP_VIOLATION.search(message.text)
                else None
            ),
        )
        page.on("pageerror", lambda error: page.script_errors.append(str(error)))
        return page

    yield _open
    for context in contexts:
        context.close()
