"""Calling the API as a person would: with a token of theirs in the header."""

import json

import pytest

from copse.api import services


def token_for(user, scopes=("read", "write"), days: int = 30) -> str:
    return services.create_token(
        actor=user, name="test", scopes=list(scopes), lifetime_days=days
    ).secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def cache_in_memory(settings):
    """The rate count kept in this process's memory, not the database cache,
    so a query count measures the endpoint and not the cache's statements
    (whose number varies as the counting minute turns)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    from django.core.cache import cache

    cache.clear()


def get_as(client, user, url, **query):
    """GET `url` with a read token of `user`."""
    return client.get(url, query, **bearer(token_for(user, scopes=["read"])))


def send_as(client, user, method, url, body=None):
    """`method` (post, put, patch, delete) `url` with a write token of `user`."""
    return getattr(client, method)(
        url,
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        **bearer(token_for(user, scopes=["write"])),
    )
