"""How documentation projects read in the audit log."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import Ref, register

PROJECT = Ref(
    "projects.Project",
    key="project_id",
    permission="project.read",
    hidden=_("a documentation project"),
    name=lambda project: f"“{project.title}”",
)

register(
    "project.started", _("{actor} started the documentation project {project}"), project=PROJECT
)
register(
    "project.published",
    _("{actor} published {project} to the library (version {version})"),
    project=PROJECT,
)
