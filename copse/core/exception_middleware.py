"""Turns a UserFacingError raised anywhere in a view into a clear page."""

from copse.core.errors import UserFacingError
from copse.core.views import error_page


class UserFacingErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UserFacingError):
            return error_page(
                request, status=exception.status, title=exception.title, message=exception.message
            )
        return None
