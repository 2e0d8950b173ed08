from django.urls import path

from copse.mailing import views

app_name = "mailing"
urlpatterns = [
    path("mail/", views.preferences, name="preferences"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mail/outbox/", views.outbox, name="outbox"),
    path("c/<slug:slug>/mail/", views.content_policy, name="content_policy"),
]
