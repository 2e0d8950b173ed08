from django.urls import path

from copse.calendars import views

app_name = "calendars"

urlpatterns = [
    path(
        "c/<slug:slug>/meetings/<int:meeting_id>/meeting.ics",
        views.meeting_ics,
        name="meeting_ics",
    ),
    path(
        "c/<slug:slug>/meetings/series/<int:series_id>/series.ics",
        views.series_ics,
        name="series_ics",
    ),
    path("calendar/", views.calendar_settings, name="settings"),
    path("calendar/regenerate/", views.regenerate, name="regenerate"),
    path("calendar/revoke/", views.revoke, name="revoke"),
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
]
