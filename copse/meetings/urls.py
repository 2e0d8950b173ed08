from django.urls import path

from copse.meetings import views

app_name = "meetings"
urlpatterns = [
    path("c/<slug:slug>/meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
]
