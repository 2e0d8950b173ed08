from django.urls import path

from copse.communities import views

app_name = "communities"
urlpatterns = [
    path("communities/", views.directory, name="directory"),
    path("c/<slug:slug>/", views.home, name="home"),
    path("c/<slug:slug>/members/", views.members, name="members"),
    path("c/<slug:slug>/settings/", views.settings_page, name="settings"),
    path("c/<slug:slug>/facilitators/new/", views.appoint_facilitator, name="appoint_facilitator"),
    path("programme/", views.programme, name="programme"),
    path("programme/communities/new/", views.programme_new, name="programme_new"),
]
