"""The fault suite's own harness: a site starts, answers and stops cleanly."""

import pytest

from faults.conftest import free_port, http_status, wait_for


@pytest.mark.fault("nothing wrong (the harness itself)", "the site answers /healthz")
def test_a_site_serves_and_stops(site):
    port = free_port()
    site.start("serve", "--port", str(port), "--workers", "1", log_name="web")
    # No worker runs here, so /healthz may say 503; it answers either way.
    url = f"http://127.0.0.1:{port}/healthz"
    wait_for(lambda: http_status(url) in (200, 503), timeout=60, what="the web server")
