"""Site-wide pages: error pages. (/healthz lives in copse.workers.)"""

import logging

from django.shortcuts import redirect, render

log = logging.getLogger("copse")


def home(request):
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
        title="Page not found",
        message="There is nothing here, or nothing you can see. Check the address, "
        "or go back to the communities you belong to.",
    )


def server_error(request):
    return error_page(
        request,
        status=500,
        title="Something went wrong on our side",
        message="The problem has been logged. Please try again in a moment; "
        "if you were writing something, use your browser's Back button to get it back.",
    )


def permission_denied(request, exception=None):
    return page_not_found(request)


def bad_request(request, exception=None):
    return error_page(
        request,
        status=400,
        title="That request could not be understood",
        message="Please go back and try again.",
    )


def csrf_failure(request, reason=""):
    log.info("csrf failure path=%s", request.path)
    return error_page(
        request,
        status=403,
        title="Your form expired",
        message="For your safety, forms stop working after a while or after you sign in "
        "or out elsewhere. Use your browser's Back button: what you typed is usually "
        "still there. Then reload the page and send it again.",
    )
