from django.urls import path

from copse.member_imports import views

app_name = "member_imports"
urlpatterns = [
    path("c/<slug:slug>/manage/import/", views.upload, name="upload"),
    path("c/<slug:slug>/manage/import/<int:import_id>/", views.preview, name="preview"),
    path("c/<slug:slug>/manage/import/<int:import_id>/send/", views.confirm, name="confirm"),
    path("c/<slug:slug>/manage/import/<int:import_id>/discard/", views.discard, name="discard"),
]
