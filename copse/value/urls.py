from django.urls import path

from copse.value import views

app_name = "value"

S = "c/<slug:slug>/value/<int:story_id>/"
urlpatterns = [
    path("c/<slug:slug>/value/", views.story_list, name="list"),
    path("c/<slug:slug>/value/new/", views.story_new, name="new"),
    path("c/<slug:slug>/value/time/", views.time_page, name="time"),
    path(S, views.story_detail, name="story"),
    path(S + "edit/", views.story_edit, name="edit"),
    path(S + "remove/", views.story_remove, name="remove"),
    path("value/prompts/<int:prompt_id>/dismiss/", views.dismiss_prompt, name="dismiss_prompt"),
]
