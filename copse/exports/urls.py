from django.urls import path

from copse.exports import views

app_name = "exports"

C = "c/<slug:slug>/export/"
urlpatterns = [
    path(C, views.community_exports, name="community"),
    path(C + "new/", views.community_new, name="community_new"),
    path(C + "<int:export_id>/", views.community_status, name="community_status"),
    path(C + "<int:export_id>/download/", views.community_download, name="community_download"),
    path("me/data/", views.personal_exports, name="personal"),
    path("me/data/new/", views.personal_new, name="personal_new"),
    path("me/data/<int:export_id>/", views.personal_status, name="personal_status"),
    path("me/data/<int:export_id>/download/", views.personal_download, name="personal_download"),
]
