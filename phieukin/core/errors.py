"""Domain errors carry a translatable message meant for the user."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is shown to the user as is.

    ``code`` is a stable machine-readable name (used by the API and tests); ``status`` is
    the HTTP status the API answers with.
    """

    status = 400

    def __init__(self, message: Any, *, code: str = "invalid", status: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)


class PermissionDenied(DomainError):
    """The actor may not do this."""

    status = 403


class Conflict(DomainError):
    """The action conflicts with the current state (a used code, a sealed box)."""

    status = 409
