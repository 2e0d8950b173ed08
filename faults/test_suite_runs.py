"""The fault suite's own harness: a site starts, answers and stops cleanly."""

import urllib.request

import pytest

from faults.conftest import free_port, wait_for


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status
    except OSError:
        return 0


@pytest.mark.fault("nothing wrong (the harness itself)", "the site answers /healthz")
def test_a_site_serves_and_stops(site):
    port = free_port()
    site.start("serve", "--port", str(port), "--workers", "1", log_name="web")
    wait_for(
        lambda: _get(f"http://127.0.0.1:{port}/healthz") in (200, 503),
        timeout=60,
        what="the web server",
    )
