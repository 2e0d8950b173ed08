from django.urls import path

from copse.conversations import views

app_name = "conversations"
urlpatterns = [
    path("c/<slug:slug>/threads/", views.thread_list, name="list"),
    path("c/<slug:slug>/threads/new/", views.new_thread, name="new"),
    path("c/<slug:slug>/drafts/", views.save_draft, name="save_draft"),
    path("c/<slug:slug>/t/<int:thread_id>/", views.thread_detail, name="thread"),
    path("c/<slug:slug>/t/<int:thread_id>/reply/", views.reply, name="reply"),
    path("c/<slug:slug>/t/<int:thread_id>/moderate/", views.moderate, name="moderate"),
    path("c/<slug:slug>/t/<int:thread_id>/move/", views.move_thread, name="move"),
    path("c/<slug:slug>/t/<int:thread_id>/subscription/", views.subscription, name="subscription"),
    path("c/<slug:slug>/t/<int:thread_id>/close/", views.close_ask, name="close_ask"),
    path("c/<slug:slug>/t/<int:thread_id>/summary/", views.summary, name="summary"),
    path(
        "c/<slug:slug>/t/<int:thread_id>/summary/print/", views.summary_print, name="summary_print"
    ),
    path(
        "c/<slug:slug>/t/<int:thread_id>/summary.md",
        views.summary_markdown,
        name="summary_markdown",
    ),
    path("c/<slug:slug>/p/<int:post_id>/edit/", views.edit_post, name="edit_post"),
    path("c/<slug:slug>/p/<int:post_id>/remove/", views.remove_post, name="remove_post"),
    path("c/<slug:slug>/p/<int:post_id>/history/", views.post_history, name="post_history"),
    path("c/<slug:slug>/p/<int:post_id>/helpful/", views.mark_helpful, name="helpful"),
    path("c/<slug:slug>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("t/<int:thread_id>/", views.jump_to_thread, name="jump"),
    path("tags/", views.tag_catalogue, name="catalogue"),
    path("tags/manage/", views.catalogue_manage, name="catalogue_manage"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
]
