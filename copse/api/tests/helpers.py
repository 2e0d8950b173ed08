"""Calling the API as a person would: with a token of theirs in the header."""

from copse.api import services


def token_for(user, scopes=("read", "write"), days: int = 30) -> str:
    return services.create_token(
        actor=user, name="test", scopes=list(scopes), lifetime_days=days
    ).secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
