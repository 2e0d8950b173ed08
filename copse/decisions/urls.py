from django.urls import path

from copse.decisions import (
    admission_views,
    amendment_views,
    new_community_views,
    nomination_views,
    poll_views,
    views,
)

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
    path(P + "nomination/", views.nomination, name="answer_nomination"),
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

# Norms written together: amendments to a section of the norms.
A = "c/<slug:slug>/decisions/amendments/<int:amendment_id>/"
urlpatterns += [
    path("c/<slug:slug>/decisions/amendments/", amendment_views.amendment_list, name="amendments"),
    path(
        "c/<slug:slug>/decisions/amendments/new/",
        amendment_views.amendment_new,
        name="amendment_new",
    ),
    path(A, amendment_views.amendment_detail, name="amendment"),
    path(A + "comment/", amendment_views.amendment_comment, name="amendment_comment"),
    path(A + "adopt/", amendment_views.amendment_adopt, name="amendment_adopt"),
    path(A + "propose/", amendment_views.amendment_propose, name="amendment_propose"),
    path(A + "withdraw/", amendment_views.amendment_withdraw, name="amendment_withdraw"),
]

# Peers nominated to be invited.
N = "c/<slug:slug>/decisions/nominations/<int:nomination_id>/"
urlpatterns += [
    path(
        "c/<slug:slug>/decisions/nominations/",
        nomination_views.nomination_list,
        name="nominations",
    ),
    path(
        "c/<slug:slug>/decisions/nominations/new/",
        nomination_views.nomination_new,
        name="nomination_new",
    ),
    path(N, nomination_views.nomination_detail, name="nomination"),
    path(N + "invite/", nomination_views.nomination_invite, name="nomination_invite"),
    path(N + "decline/", nomination_views.nomination_decline, name="nomination_decline"),
    path(N + "propose/", nomination_views.nomination_propose, name="nomination_propose"),
    path(N + "withdraw/", nomination_views.nomination_withdraw, name="nomination_withdraw"),
]

# Communities proposed by anyone; the site admins' queue.
urlpatterns += [
    path("communities/propose/", new_community_views.propose, name="community_propose"),
    path("communities/proposals/", new_community_views.mine, name="community_proposals"),
    path(
        "communities/proposals/<int:proposal_id>/",
        new_community_views.detail,
        name="community_proposal",
    ),
    path(
        "communities/proposals/<int:proposal_id>/approve/",
        new_community_views.approve,
        name="community_proposal_approve",
    ),
    path(
        "communities/proposals/<int:proposal_id>/decline/",
        new_community_views.decline,
        name="community_proposal_decline",
    ),
    path(
        "communities/proposals/<int:proposal_id>/withdraw/",
        new_community_views.withdraw,
        name="community_proposal_withdraw",
    ),
    path("programme/community-proposals/", new_community_views.queue, name="community_queue"),
]
