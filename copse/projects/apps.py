from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "copse.projects"
    label = "projects"
    verbose_name = "Documentation projects"

    def ready(self) -> None:
        # This app's group on the search page (copse/search/sources.py).
        from copse.projects.search import PROJECTS
        from copse.search.sources import register

        register(PROJECTS)
