from django.urls import path

from copse.health import views

app_name = "health"

urlpatterns = [
    path("c/<slug:slug>/health/", views.health, name="health"),
    path("c/<slug:slug>/health/nudge/<int:user_id>/", views.nudge, name="nudge"),
    path("c/<slug:slug>/health/settings/", views.health_settings, name="settings"),
    path("c/<slug:slug>/how-we-are-doing/", views.progress, name="progress"),
    # A nudge as its member reads it (and the facilitator who wrote it).
    path("c/<slug:slug>/nudges/<int:nudge_id>/", views.nudge_message, name="nudge_message"),
]
