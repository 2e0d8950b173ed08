from django.urls import path

from copse.norms import views

app_name = "norms"
urlpatterns = [
    path("c/<slug:slug>/norms/", views.current, name="current"),
    path("c/<slug:slug>/norms/v<int:number>/", views.version, name="version"),
    path("c/<slug:slug>/norms/diff/", views.diff, name="diff"),
    path("c/<slug:slug>/norms/edit/", views.edit, name="edit"),
    path("c/<slug:slug>/norms/accept/", views.accept, name="accept"),
    path("c/<slug:slug>/norms/acceptance/", views.acceptance, name="acceptance"),
]
