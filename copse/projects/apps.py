from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "copse.projects"
    label = "projects"
    verbose_name = "Documentation projects"
