from django.urls import path

from copse.decisions import admission_views, poll_views, views

app_name = "decisions"

# Proposals.
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

# A join request's admission proposal, found by the request.
urlpatterns += [
    path(
        "c/<slug:slug>/decisions/admission/<int:request_id>/",
        admission_views.admission,
        name="admission",
    ),
]

# Date polls: finding a time, which creates or moves a meeting (decisions.polls).
D = "c/<slug:slug>/decisions/dates/<int:poll_id>/"
urlpatterns += [
    path("c/<slug:slug>/decisions/dates/", poll_views.poll_list, name="polls"),
    path("c/<slug:slug>/decisions/dates/new/", poll_views.poll_new, name="poll_new"),
    path(D, poll_views.poll_detail, name="poll"),
    path(D + "answer/", poll_views.poll_answer, name="poll_answer"),
    path(D + "choose/", poll_views.poll_choose, name="poll_choose"),
    path(D + "close/", poll_views.poll_close, name="poll_close"),
]
