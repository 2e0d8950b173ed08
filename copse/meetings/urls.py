from django.urls import path

from copse.meetings import views

app_name = "meetings"

M = "c/<slug:slug>/meetings/<int:meeting_id>/"
urlpatterns = [
    path("meetings/", views.my_meetings, name="mine"),
    path("c/<slug:slug>/meetings/", views.meeting_list, name="list"),
    path("c/<slug:slug>/meetings/new/", views.meeting_new, name="new"),
    path("c/<slug:slug>/meetings/records/", views.meeting_records, name="records"),
    path("c/<slug:slug>/meetings/series/", views.series_list, name="series"),
    path(
        "c/<slug:slug>/meetings/series/<int:series_id>/",
        views.series_action,
        name="series_action",
    ),
    path("c/<slug:slug>/meetings/hosts/", views.hosts, name="hosts"),
    path(M, views.meeting_detail, name="detail"),
    path(M + "people/", views.meeting_people, name="people"),
    path(M + "edit/", views.meeting_edit, name="edit"),
    path(M + "cancel/", views.meeting_cancel, name="cancel"),
    path(M + "agenda/", views.agenda_add, name="agenda_add"),
    path(M + "agenda/order/", views.agenda_reorder, name="agenda_reorder"),
    path(M + "agenda/<int:item_id>/", views.agenda_item_edit, name="agenda_item"),
    path(M + "agenda/<int:item_id>/remove/", views.agenda_item_remove, name="agenda_remove"),
    path(M + "agenda/<int:item_id>/move/", views.agenda_item_move, name="agenda_move"),
    path(M + "agenda/<int:item_id>/presenter/", views.presenter_invite, name="presenter"),
    path(M + "agenda/<int:item_id>/feedback/", views.feedback, name="feedback"),
    path(M + "agenda/<int:item_id>/feedback/share/", views.feedback_share, name="feedback_share"),
    path(M + "rsvp/", views.rsvp, name="rsvp"),
    path(M + "delegate/", views.send_delegate, name="delegate"),
    path(M + "attendance/", views.attendance, name="attendance"),
    path(M + "materials/", views.material_upload, name="material_upload"),
    path(M + "materials/<int:material_id>/", views.material_download, name="material"),
    path(M + "materials/<int:material_id>/remove/", views.material_remove, name="material_remove"),
    path(M + "summary/", views.summary_save, name="summary"),
    path(M + "summary/comments/", views.summary_comment, name="summary_comment"),
    path(M + "actions/", views.action_add, name="action_add"),
    path(M + "actions/<int:action_id>/", views.action_done, name="action_done"),
]
