from django.urls import path

from copse.mailing import inbound_views, views

app_name = "mailing"
urlpatterns = [
    path("mail/", views.preferences, name="preferences"),
    path("mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mail/outbox/", views.outbox, name="outbox"),
    path("mail/sent/", views.sent, name="sent"),
    path("mail/sent/<int:pk>/", views.sent_message, name="sent_message"),
    path("c/<slug:slug>/mail/", views.content_policy, name="content_policy"),
    # Inbound mail.
    path("mail/original/<int:inbound_id>/", inbound_views.original, name="original"),
    path("mail/join/<str:token>/", inbound_views.subscribe, name="subscribe"),
    path("mail/confirm/<str:token>/", inbound_views.confirm_held, name="confirm_held"),
    path("mail/bounce/clear/", inbound_views.clear_bounce, name="clear_bounce"),
    path("c/<slug:slug>/archive.mbox", views.export_archive, name="export_archive"),
]
