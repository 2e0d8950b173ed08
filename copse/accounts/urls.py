from django.urls import path

from copse.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/organisation/request/", views.organisation_request, name="organisation_request"),
    path(
        "profile/organisation/request/<int:pk>/withdraw/",
        views.organisation_request_withdraw,
        name="organisation_request_withdraw",
    ),
    path("profile/organisation/leave/", views.organisation_leave, name="organisation_leave"),
]
