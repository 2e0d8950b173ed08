from django.urls import path

from copse.decisions import views

app_name = "decisions"

P = "c/<slug:slug>/decisions/<int:proposal_id>/"

urlpatterns = [
    path("c/<slug:slug>/decisions/", views.proposal_list, name="list"),
    path("c/<slug:slug>/decisions/new/", views.proposal_new, name="new"),
    path(P, views.proposal_detail, name="detail"),
    path(P + "position/", views.position, name="position"),
    path(P + "unblock/", views.withdraw_block, name="unblock"),
    path(P + "positions/<int:position_id>/reply/", views.reply, name="reply"),
    path(P + "revise/", views.revise, name="revise"),
    path(P + "withdraw/", views.withdraw, name="withdraw"),
    path(P + "nudge/", views.nudge, name="nudge"),
    path(P + "decide/", views.decide, name="decide"),
    path(P + "outcome/", views.outcome, name="outcome"),
    path(P + "nomination/", views.nomination, name="nomination"),
]

# Wiring (issue 14): a join request's admission proposal, by the request.
from copse.decisions import admission_views  # noqa: E402

urlpatterns += [
    path(
        "c/<slug:slug>/decisions/admission/<int:request_id>/",
        admission_views.admission,
        name="admission",
    ),
]
