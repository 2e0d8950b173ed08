import pytest

pytest_plugins = ["copse.core.tests.conftest"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_probe(open_page):
    page = open_page()
    page.goto("/communities/")
    assert "Communities" in page.title()
