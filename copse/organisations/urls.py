from django.urls import path

from copse.organisations import views

app_name = "organisations"
urlpatterns = [
    path("programme/organisations/", views.organisation_list, name="list"),
    path("programme/organisations/new/", views.organisation_edit, name="new"),
    path("programme/organisations/<int:pk>/", views.organisation_edit, name="edit"),
    path("programme/organisations/requests/", views.request_list, name="requests"),
    path(
        "programme/organisations/requests/<int:pk>/decide/",
        views.request_decide,
        name="request_decide",
    ),
]
