"""Top-level URLs. Every pattern here must appear in the authorization matrix
(copse/core/tests/test_authorization_matrix.py)."""

from django.urls import include, path

from copse.api.main import api
from copse.core import views as core_views
from copse.workers import views as worker_views

handler400 = "copse.core.views.bad_request"
handler403 = "copse.core.views.permission_denied"
handler404 = "copse.core.views.page_not_found"
handler500 = "copse.core.views.server_error"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", worker_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("copse.accounts.urls")),
    path("accounts/", include("copse.departures.urls")),
    path("", include("copse.communities.urls")),
    path("", include("copse.memberships.urls")),
    path("", include("copse.member_imports.urls")),
    path("", include("copse.norms.urls")),
    path("", include("copse.audit.urls")),
    path("", include("copse.organisations.urls")),
    path("", include("copse.conversations.urls")),
    path("", include("copse.notifications.urls")),
    path("", include("copse.people.urls")),
    path("", include("copse.search.urls")),
    path("", include("copse.topics.urls")),
    path("", include("copse.meetings.urls")),
    path("", include("copse.library.urls")),
    path("", include("copse.projects.urls")),
    path("", include("copse.calendars.urls")),
    path("", include("copse.mailing.urls")),
    path("", include("copse.expertise.urls")),
    path("", include("copse.decisions.urls")),
    path("", include("copse.health.urls")),
    path("", include("copse.value.urls")),
    path("", include("copse.pulses.urls")),
    path("", include("copse.sponsors.urls")),
    path("", include("copse.webhooks.urls")),
    path("", include("copse.exports.urls")),
    path("", include("copse.home.urls")),
    path("", include("copse.api.urls")),
    path("api/", api.urls),
]
