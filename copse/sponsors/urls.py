# The sponsor role is `accounts.User.is_sponsor`; the report is computed from
# the other apps' aggregates and stores nothing of its own.
from django.urls import path

from copse.sponsors import views

app_name = "sponsors"

urlpatterns = [
    path("programme/report/", views.report, name="report"),
    path("programme/report.csv", views.report_csv, name="report_csv"),
    path("programme/sponsors/", views.grants, name="grants"),
]
