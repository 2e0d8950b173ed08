from django.urls import path

from copse.topics import views

app_name = "topics"

urlpatterns = [
    path("c/<slug:slug>/topics/", views.backlog, name="backlog"),
    path("c/<slug:slug>/topics/nominate/", views.nominate, name="nominate"),
    path("c/<slug:slug>/topics/<int:topic_id>/vote/", views.vote, name="vote"),
    path("c/<slug:slug>/topics/<int:topic_id>/status/", views.set_status, name="status"),
    path("c/<slug:slug>/topics/<int:topic_id>/edit/", views.edit, name="edit"),
]
