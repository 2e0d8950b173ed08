from django.urls import path

from copse.api import views

app_name = "api_tokens"
urlpatterns = [
    path("accounts/tokens/", views.tokens, name="list"),
    path("accounts/tokens/<int:token_id>/revoke/", views.revoke, name="revoke"),
]
