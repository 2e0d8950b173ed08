from django.urls import path

from copse.departures import views

app_name = "departures"
urlpatterns = [
    path("profile/delete/", views.delete_account, name="delete_account"),
]
