from django.urls import path

from copse.memberships import views

app_name = "memberships"
urlpatterns = [
    path("c/<slug:slug>/join/", views.join, name="join"),
    path("c/<slug:slug>/request/", views.request_to_join, name="request"),
    path("c/<slug:slug>/request/withdraw/", views.withdraw_request, name="withdraw_request"),
    path("c/<slug:slug>/leave/", views.leave, name="leave"),
    path("c/<slug:slug>/on-leave/", views.on_leave, name="on_leave"),
    path("c/<slug:slug>/manage/", views.manage, name="manage"),
    path("c/<slug:slug>/manage/requests/<int:request_id>/", views.decide, name="decide"),
    path("c/<slug:slug>/manage/invite/", views.invite, name="invite"),
    path(
        "c/<slug:slug>/manage/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("c/<slug:slug>/manage/members/<int:membership_id>/remove/", views.remove, name="remove"),
    path("c/<slug:slug>/manage/members/<int:membership_id>/role/", views.change_role, name="role"),
    path("c/<slug:slug>/manage/delegates/", views.appoint_delegate, name="appoint_delegate"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
