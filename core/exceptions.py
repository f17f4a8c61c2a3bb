"""The one application error that services raise for a rule a caller broke.

Pages show ``message`` (and ``errors`` beside the fields); the API turns it into
``{"message": ..., "errors": {field: [reason, ...]}}`` with HTTP 400.
"""


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ServiceUnavailable(ApplicationError):
    """A service the request needs (the task broker) cannot be reached: try again later."""

    status_code = 503
