"""Errors a person can act on. Views turn them into a styled page or a form
message with the right HTTP status; they never carry a stack trace."""

from django.utils.translation import gettext_lazy as _


class UserFacingError(Exception):
    title = _("Something needs your attention")
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Submitted:
    """What became of a form sent to a service (`submit`): `saved` with the
    service's `result`, or not, with the HTTP status to show the form again at
    (400 for what to fix, a service's own status such as 403)."""

    def __init__(self, *, saved: bool, result=None, status: int = 400):
        self.saved, self.result, self.status = saved, result, status


def submit(form, write) -> Submitted:
    """Validate `form` and, if it is valid, call `write(cleaned_data)`. A
    `UserFacingError` from the service becomes the form's own message, so the
    page comes back with what the person typed and what to do about it."""
    if not form.is_valid():
        return Submitted(saved=False)
    try:
        return Submitted(saved=True, result=write(form.cleaned_data), status=200)
    except UserFacingError as error:
        form.add_error(None, error.message)
        return Submitted(saved=False, status=error.status)


def attempt(request, action, *, done: str) -> bool:
    """Run `action()` for a button that takes no input, and tell the person
    how it went in a message: `done`, or the service's reason it could not."""
    from django.contrib import messages

    try:
        action()
    except UserFacingError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done)
    return True
