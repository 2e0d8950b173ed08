from django.urls import path

from copse.audit import views

app_name = "audit"
urlpatterns = [
    path("c/<slug:slug>/audit/", views.community_log, name="community"),
    path("programme/audit/", views.all_log, name="all"),
]
