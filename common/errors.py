"""The one family of domain errors that the admin, the API and the commands turn into messages.

The contract: every refusal carries ``message`` (a sentence for people) and ``errors`` (always a
dict: field name → its messages; a refusal that names no field files its message under
``NON_FIELD``, Django's ``"__all__"``, which forms show above the fields). Readers — the API's
exception handler, the admin, the forms, the importers — read ``errors``; only the constructor
reads a field from a message's ``"field: "`` prefix. ``extra`` holds further details for
machines (a status, a position), which the API answers as they are.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

NON_FIELD = "__all__"  # django.core.exceptions.NON_FIELD_ERRORS; this module loads before apps
PREFIX = re.compile(r"([a-z_][a-z0-9_]*): ")  # "station: no station 7" names the field station


class ApplicationError(Exception):
    """A refusal by a service: a message for people, ``errors`` and ``extra`` for machines.

    Give ``errors`` (field → messages), or ``field`` when the message concerns one field, or
    neither. Without ``errors``, the field's entry is the message less its ``"field: "`` prefix;
    with neither, a message written ``"field: rule"`` names its field by that prefix, and any
    other message is filed under ``NON_FIELD``.

    ``http_status`` is what the API answers: 400 bad input, 403 not yours to do, 404 outside
    your scope, 409 the object is not in a state that allows it.
    """

    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        errors: Mapping[str, Sequence[str]] | None = None,
        field: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra
        # What the API answers besides ``detail`` and ``extra``: what the caller stated.
        self._stated: dict[str, Any] = {}
        if errors is not None:
            self._stated["errors"] = errors
        elif field is not None:
            self._stated["field"] = field
        else:
            named = PREFIX.match(message)
            field = named.group(1) if named else None
        if errors is None:
            said = message.removeprefix(f"{field}: ")
            errors = {NON_FIELD: [message]} if field is None else {field: [said]}
        self.errors: dict[str, list[str]] = {name: list(said) for name, said in errors.items()}

    def on_form(self, fields: Iterable[str]) -> list[tuple[str | None, str]]:
        """Where a form with ``fields`` shows each of ``errors``: beside its field when the form
        has it, else above the form (``None``) — bare when the refusal was stated field by
        field, as the refusal's ``"field: rule"`` sentence when it named one field."""
        fields = set(fields)
        by_field = "errors" in self._stated
        return [
            (name, message)
            if name in fields
            else (None, message if by_field or name == NON_FIELD else f"{name}: {message}")
            for name, messages in self.errors.items()
            for message in messages
        ]

    def answer(self) -> dict[str, Any]:
        """The JSON the API answers: ``detail``, the field or the field errors the refusal
        stated, then ``extra``."""
        stated = {k: (self.errors if k == "errors" else v) for k, v in self._stated.items()}
        return {
            "detail": self.message,
            **stated,
            **{k: v for k, v in self.extra.items() if k not in ("detail", *stated)},
        }


class NotAllowed(ApplicationError):
    """Inside the user's scope, but not theirs to do (the same clerk twice, a revoked badge)."""

    http_status = 403


class OutOfScope(ApplicationError):
    """Outside the user's scope: for them it does not exist."""

    http_status = 404


class StateConflict(ApplicationError):
    """The object is not in a state that allows it now."""

    http_status = 409


def refuse(field: str, message: str, error: type[ApplicationError] = ApplicationError) -> NoReturn:
    """Refuse with ``error``: ``message`` about ``field``, read as ``"field: message"``."""
    raise error(f"{field}: {message}", errors={field: [message]})


def refuse_all(
    errors: Mapping[str, Sequence[str]], error: type[ApplicationError] = ApplicationError
) -> None:
    """Refuse with every field's errors, if there are any: read as the first one's
    ``"field: message"``."""
    if errors:
        field, messages = next(iter(errors.items()))
        raise error(f"{field}: {messages[0]}", errors=errors)


def error_lines(exc: ApplicationError) -> list[str]:
    """Each of ``exc.errors`` as one line for people: ``"field: message"``, or the message alone."""
    return [
        message if name == NON_FIELD else f"{name}: {message}"
        for name, messages in exc.errors.items()
        for message in messages
    ]


def report_to_admin(request, exc: ApplicationError) -> None:
    """Show a service's refusal at the top of the admin page, one error message per problem."""
    from django.contrib import messages  # imported here: this module loads before apps are ready

    for line in error_lines(exc):
        messages.error(request, line)
