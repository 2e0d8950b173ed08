from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from copse.core import permissions
from copse.notifications import selectors, services
from copse.notifications.models import Notification


@login_required
def inbox(request):
    rows, next_cursor = selectors.inbox(request.user, before=request.GET.get("before"))
    return render(request, "notifications/inbox.html", {"rows": rows, "next_cursor": next_cursor})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
def open_notification(request, notification_id):
    """Follow a notification, re-checking that its target is still readable."""
    notification = Notification.objects.filter(pk=notification_id, user=request.user).first()
    if notification is None:
        raise Http404
    target = notification.target
    action = selectors.READ_ACTIONS.get(
        f"{notification.target_type.app_label}.{notification.target_type.model}"
    )
    if target is None or action is None:
        raise Http404
    permissions.require_or_404(request.user, action, target)
    services.mark_read(user=request.user, notification_id=notification.pk)
    if notification.is_announcement:
        return redirect("audit:community", slug=target.community.slug)
    # A post (the page of its thread that holds it), a meeting, a community,
    # a library item, a proposal, a date poll, a norms review.
    return redirect(target.get_absolute_url())
