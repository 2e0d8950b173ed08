"""Site-wide pages: error pages. (/healthz lives in copse.workers.)"""

import logging
import re
import sys

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from copse.core import storage
from copse.core.context_processors import layout_links

log = logging.getLogger("copse")


def home(request):
    # A signed-in person starts from what waits for them; everyone else from
    # the directory. By URL name: core imports no app.
    if request.user.is_authenticated:
        return redirect("home:index")
    return redirect("communities:directory")


def error_page(request, *, status: int, title: str, message: str, template="core/error.html"):
    return render(
        request, template, {"title": title, "message": message, "status": status}, status=status
    )


def page_not_found(request, exception=None):
    # The same words whether the page is missing or hidden from this viewer.
    return error_page(
        request,
        status=404,
        title=_("Page not found"),
        message=_(
            "There is nothing here, or nothing you can see. Check the address, "
            "or go back to the communities you belong to."
        ),
    )


def server_error(request):
    # Django calls this while handling the exception. A failure to write
    # outside any view (saving the session at the end of a request) reaches
    # here instead of the storage-failure middleware; it gets the same page.
    if storage.failure_of(sys.exc_info()[1]):
        return could_not_save(request)
    return error_page(
        request,
        status=500,
        title=_("Something went wrong on our side"),
        message=_(
            "The problem has been logged. Please try again in a moment; "
            "if you were writing something, use your browser's Back button to get it back."
        ),
    )


def permission_denied(request, exception=None):
    return page_not_found(request)


def bad_request(request, exception=None):
    return error_page(
        request,
        status=400,
        title=_("That request could not be understood"),
        message=_("Please go back and try again."),
    )


def csrf_failure(request, reason=""):
    log.info("csrf failure path=%s", request.path)
    return error_page(
        request,
        status=403,
        title=_("Your form expired"),
        message=_(
            "For your safety, forms stop working after a while or after you sign in "
            "or out elsewhere. Use your browser's Back button: what you typed is usually "
            "still there. Then reload the page and send it again."
        ),
    )


# Seconds a person (or a client) is asked to wait before sending again.
RETRY_AFTER_SECONDS = 120

# Fields never shown back: secrets, and the form's own machinery.
UNSHOWN_FIELD = re.compile(
    r"password|csrf|token|secret|otp|(^|_)(code|key)($|_)|^next$", re.IGNORECASE
)
FIELD_LABELS = {
    "body": gettext_lazy("Your text"),
    "title": gettext_lazy("Title"),
    "markdown": gettext_lazy("Your text"),
    "text": gettext_lazy("Text"),
}


def typed_fields(request) -> list[dict]:
    """What the person sent, as text they can copy: the form's text fields,
    without files, passwords, tokens or empty values."""
    if request.method != "POST":
        return []
    try:
        data = request.POST
    except Exception:  # the body may be what could not be stored
        return []
    fields = []
    for name in data:
        if UNSHOWN_FIELD.search(name):
            continue
        for value in data.getlist(name):
            # A bare number is an id from a hidden field or a choice: quick to
            # give again, and noise beside what the person wrote.
            if not value.strip() or value.strip().isdigit():
                continue
            fields.append(
                {
                    "label": FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
                    "value": value,
                    "rows": min(20, max(2, value.count("\n") + 2, len(value) // 70 + 2)),
                }
            )
    return fields


def could_not_save(request):
    """A write the storage refused (a full disk, a read-only data folder, a
    database that stays locked): 503, try again later, and what was typed."""
    typed = typed_fields(request)
    if request.method == "POST":
        stored = _(
            "Copse could not store what you sent: its storage is full, read-only or busy "
            "just now. What was saved before is safe."
        )
    else:
        stored = _(
            "Copse could not store something this page needs: its storage is full, "
            "read-only or busy just now. What was saved before is safe."
        )
    next_step = (
        _("Copy what you wrote from below, then try again in a few minutes.")
        if typed
        else _("Please try again in a few minutes.")
    )
    logged = _("The problem has been logged for the site's administrators.")
    message = f"{stored} {next_step} {logged}"
    context = {
        "status": 503,
        "title": _("We could not save this — nothing was lost"),
        "message": message,
        "typed": typed,
    }
    try:
        response = render(request, "core/could_not_save.html", context, status=503)
    except Exception as error:
        # The page's navigation reads the database (who is signed in, unread
        # notifications). When the database cannot even be opened, the page
        # is shown as to a visitor, from the template alone.
        if not storage.failure_of(error):
            raise
        context["layout"] = layout_links()  # the context processors' links, which read nothing
        response = HttpResponse(render_to_string("core/could_not_save.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
