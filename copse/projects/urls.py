from django.urls import path

from copse.projects import views

app_name = "projects"

_project = "c/<slug:slug>/projects/<int:project_id>/"
_section = _project + "sections/<int:section_id>/"

urlpatterns = [
    path("c/<slug:slug>/projects/", views.project_list, name="list"),
    path("c/<slug:slug>/projects/new/", views.new_project, name="new"),
    path(_project, views.project_detail, name="project"),
    path(_project + "edit/", views.edit_project, name="edit"),
    path(_project + "publish/", views.publish, name="publish"),
    path(_project + "sections/new/", views.add_section, name="add_section"),
    path(_section, views.section_detail, name="section"),
    path(_section + "edit/", views.edit_section, name="edit_section"),
    path(_section + "settings/", views.manage_section, name="section_settings"),
    path(_section + "review/", views.ask_for_review, name="ask_for_review"),
    path(_section + "comment/", views.comment, name="comment"),
    path(_section + "approve/", views.approve, name="approve"),
]
