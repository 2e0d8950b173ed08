"""The API's routers, one per area of Copse, mounted under /api/ by `copse.api.main`.

An area added here appears in the OpenAPI document, so the fuzzing and the
authorization tests reach it without further wiring.
"""

from copse.api.endpoints import (
    admin,
    communities,
    conversations,
    decisions,
    library,
    me,
    notifications,
)

ROUTERS = [
    ("/me", me.router),
    ("/communities", communities.router),
    ("/", conversations.router),
    ("/admin", admin.router),
    ("/", library.router),
    ("/", decisions.router),
    ("/notifications", notifications.router),
]
