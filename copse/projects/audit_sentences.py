"""How documentation projects read in the audit log."""

from copse.audit.sentences import Ref, register

PROJECT = Ref(
    "projects.Project",
    key="project_id",
    permission="project.read",
    hidden="a documentation project",
    name=lambda project: f"“{project.title}”",
)

register("project.started", "{actor} started the documentation project {project}", project=PROJECT)
register(
    "project.published",
    "{actor} published {project} to the library (version {version})",
    project=PROJECT,
)
