"""Calendar downloads, the personal feed and its settings page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from copse.calendars import ics, selectors, services
from copse.communities.selectors import community_by_slug_for
from copse.meetings.selectors import meeting_for

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _calendar_response(body: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


def _filename(title: str, fallback: str) -> str:
    # slugify keeps the header plain ASCII with no quotes to escape.
    return slugify(title)[:80].strip("-") or fallback


@require_safe
def meeting_ics(request, slug, meeting_id):
    meeting = meeting_for(request.user, slug, meeting_id)
    body = ics.meeting_calendar(meeting, request.user)
    return _calendar_response(body, filename=_filename(meeting.title, "meeting"))


@require_safe
def series_ics(request, slug, series_id):
    community = community_by_slug_for(request.user, slug, "community.read")
    series = selectors.series_in(community, series_id)
    body = ics.series_calendar(series, request.user)
    return _calendar_response(body, filename=_filename(series.title, "meetings"))


def _feed_url(token: str) -> str:
    return settings.BASE_URL.rstrip("/") + reverse("calendars:feed", kwargs={"token": token})


def _settings_page(request, *, new_feed_url: str = ""):
    context = {"feed": selectors.feed_of(request.user), "new_feed_url": new_feed_url}
    if new_feed_url:
        context["webcal_url"] = "webcal://" + new_feed_url.split("://", 1)[1]
    return render(request, "calendars/settings.html", context)


@login_required
@require_safe
def calendar_settings(request):
    return _settings_page(request)


@login_required
@require_POST
def regenerate(request):
    """Shows the new address in this response only: it is never stored, and
    never put in a URL that could end up in a log or a browser's history."""
    token = services.create_or_replace_feed(request.user)
    return _settings_page(request, new_feed_url=_feed_url(token))


@login_required
@require_POST
def revoke(request):
    if services.revoke_feed(request.user):
        messages.success(
            request,
            gettext(
                "Your calendar feed is switched off. Calendar apps that used it will stop updating."
            ),
        )
    else:
        messages.info(request, gettext("You had no calendar feed to switch off."))
    return redirect("calendars:settings")


@require_safe
def feed(request, token):
    """The personal feed, fetched by calendar apps without a session: the
    token in the URL is the only credential."""
    calendar_feed = selectors.feed_by_token(token)
    if calendar_feed is None:
        raise Http404
    services.note_fetch(calendar_feed)
    response = _calendar_response(ics.feed_calendar(calendar_feed.user))
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
