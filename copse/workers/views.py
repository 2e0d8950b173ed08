"""/healthz: for load balancers and monitors."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from copse.workers.health import run_checks


@require_GET
@never_cache
def healthz(request):
    """200 when the site can do its work; 503 with the reason when it cannot.
    `?scope=web` checks only the database and the data folder (for a load
    balancer: the web process is fine even when the workers are down). Says
    nothing about content, and needs no sign-in."""
    report = run_checks(scope="web" if request.GET.get("scope") == "web" else "all")
    body = {
        "status": "ok" if report.ok else "failing",
        "database": "ok" if report.checks[0].ok else "failing",
        "pending_tasks": report.pending_tasks,
        "checks": {check.name: "ok" if check.ok else "failing" for check in report.checks},
    }
    if not report.ok:
        body["reason"] = report.reason
    return JsonResponse(body, status=200 if report.ok else 503)
