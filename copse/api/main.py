"""The API: one NinjaAPI at /api/, its OpenAPI document at /api/openapi.json
and its interactive docs at /api/docs.

Each area of Copse has a router in `copse/api/endpoints/`; every endpoint
reads through the app's selectors and writes through its services, so the
permission core answers for the API exactly as for the pages, down to the
same 404 for what the caller may not know about.
"""

from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError

from copse.api.auth import RateLimited, ScopeMissing, members_auth
from copse.api.endpoints import ROUTERS
from copse.core.errors import UserFacingError

DESCRIPTION = """
Copse's REST API. Authenticate with a personal access token made on your
profile page: `Authorization: Bearer copse_…`. Reading needs the `read`
scope, writing the `write` scope. Lists are paged by a cursor: pass the
`next` value of one page as `after` to get the following one. Anything you
may not see answers 404, exactly as the pages do.
"""


class Docs(Swagger):
    template = "api/swagger.html"


api = NinjaAPI(
    title="Copse API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=members_auth(),
    docs=Docs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

for prefix, router in ROUTERS:
    api.add_router(prefix, router)


def _error(request, status: int, detail: str, headers: dict | None = None):
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(UserFacingError)
def user_facing(request, error: UserFacingError):
    return _error(request, error.status, error.message)


@api.exception_handler(ScopeMissing)
def scope_missing(request, error: ScopeMissing):
    return _error(request, 403, f"This token lacks the “{error.scope}” scope.")


@api.exception_handler(RateLimited)
def rate_limited(request, error: RateLimited):
    return _error(
        request,
        429,
        "Too many requests; try again in a minute.",
        {"Retry-After": str(error.retry_after)},
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return _error(
        request,
        401,
        "Authenticate with a personal access token or a signed-in session.",
        {"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(Http404)
def not_found(request, error):
    return _error(request, 404, "Not found.")


@api.exception_handler(ValidationError)
def invalid(request, error: ValidationError):
    return api.create_response(request, {"detail": error.errors}, status=422)
