from django.urls import path

from copse.expertise import views

app_name = "expertise"

urlpatterns = [
    path("c/<slug:slug>/who-knows-what/", views.community, name="community"),
    path("who-has-used/", views.who_has_used, name="who_has_used"),
    path("me/expertise/", views.mine, name="mine"),
    path("me/expertise/areas/", views.add_expertise, name="add_expertise"),
    path("me/expertise/areas/<int:entry_id>/", views.edit_expertise, name="edit_expertise"),
    path(
        "me/expertise/areas/<int:entry_id>/remove/",
        views.remove_expertise,
        name="remove_expertise",
    ),
    path("me/expertise/experience/new/", views.new_experience, name="new_experience"),
    path("me/expertise/experience/<int:entry_id>/", views.edit_experience, name="edit_experience"),
    path(
        "me/expertise/experience/<int:entry_id>/remove/",
        views.remove_experience,
        name="remove_experience",
    ),
]
