from django.urls import path

from copse.webhooks import views

app_name = "webhooks"

C = "c/<slug:slug>/webhooks/"
S = "programme/webhooks/"
H = "<int:hook_id>/"

urlpatterns = [
    path(C, views.webhook_list, name="list"),
    path(C + "new/", views.webhook_new, name="new"),
    path(C + H, views.webhook_edit, name="edit"),
    path(C + H + "rotate/", views.webhook_rotate, name="rotate"),
    path(C + H + "delete/", views.webhook_delete, name="delete"),
    path(C + H + "deliveries/", views.webhook_deliveries, name="deliveries"),
    path(
        C + H + "deliveries/<int:delivery_id>/redeliver/",
        views.webhook_redeliver,
        name="redeliver",
    ),
    path(S, views.webhook_list, name="site_list"),
    path(S + "new/", views.webhook_new, name="site_new"),
    path(S + H, views.webhook_edit, name="site_edit"),
    path(S + H + "rotate/", views.webhook_rotate, name="site_rotate"),
    path(S + H + "delete/", views.webhook_delete, name="site_delete"),
    path(S + H + "deliveries/", views.webhook_deliveries, name="site_deliveries"),
    path(
        S + H + "deliveries/<int:delivery_id>/redeliver/",
        views.webhook_redeliver,
        name="site_redeliver",
    ),
]
