from copse.api.models import PersonalAccessToken


def tokens_of(user, limit: int = 50) -> list[PersonalAccessToken]:
    """The person's tokens, newest first: usable ones and the recently ended."""
    return list(PersonalAccessToken.objects.filter(user=user)[:limit])
