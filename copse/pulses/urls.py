from django.urls import path

from copse.pulses import views

app_name = "pulses"

P = "c/<slug:slug>/pulse/<int:pulse_id>/"
urlpatterns = [
    path("c/<slug:slug>/pulse/", views.pulse_list, name="list"),
    path("c/<slug:slug>/pulse/new/", views.pulse_new, name="new"),
    path(P, views.pulse_detail, name="pulse"),
    path(P + "answer/", views.answer, name="answer"),
    path(P + "cancel/", views.cancel, name="cancel"),
]
