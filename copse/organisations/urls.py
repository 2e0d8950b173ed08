from django.urls import path

from copse.organisations import views

app_name = "organisations"
urlpatterns = [
    path("programme/organisations/", views.organisation_list, name="list"),
    path("programme/organisations/new/", views.organisation_edit, name="new"),
    path("programme/organisations/<int:pk>/", views.organisation_edit, name="edit"),
]
