"""Errors a person can act on. Views turn them into a styled page or a form
message with the right HTTP status; they never carry a stack trace."""


class UserFacingError(Exception):
    title = "Something needs your attention"
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
