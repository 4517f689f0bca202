"""The one family of domain errors that the admin, the API and the commands turn into messages."""


class ApplicationError(Exception):
    """A refusal by a service: a message for people, and details (``extra``) for machines.

    ``http_status`` is what the API answers: 400 bad input, 403 not yours to do, 404 outside
    your scope, 409 the object is not in a state that allows it.
    """

    http_status = 400

    def __init__(self, message: str, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotAllowed(ApplicationError):
    """Inside the user's scope, but not theirs to do (the same clerk twice, a revoked badge)."""

    http_status = 403


class OutOfScope(ApplicationError):
    """Outside the user's scope: for them it does not exist."""

    http_status = 404


class StateConflict(ApplicationError):
    """The object is not in a state that allows it now."""

    http_status = 409


def report_to_admin(request, exc: ApplicationError) -> None:
    """Show a service's refusal at the top of the admin page, as an error message."""
    from django.contrib import messages  # imported here: this module loads before apps are ready

    messages.error(request, exc.message)
