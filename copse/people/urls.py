from django.urls import path

from copse.people import views

app_name = "people"
urlpatterns = [
    path("people/<slug:handle>/", views.profile, name="profile"),
]
