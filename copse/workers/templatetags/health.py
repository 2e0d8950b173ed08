from django import template

register = template.Library()


@register.inclusion_tag("workers/health_panel.html")
def health_panel():
    """The checks /healthz makes, the workers and the tasks lost with a dead
    worker: for the programme page (site admins only; it shows no content)."""
    from copse.workers.health import run_checks
    from copse.workers.selectors import failed_tasks, lost_tasks, recent_workers

    report = run_checks()
    return {
        "report": report,
        "workers": recent_workers(),
        "lost": lost_tasks(),
        "failed": failed_tasks(),
    }
