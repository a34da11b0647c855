"""What every view does around one service call.

A view looks its object up through a scoped selector, calls one service and shows the
outcome. The service decides access (:func:`phieukin.accounts.access.authorize`); this
helper only turns its answers into HTTP: a refusal of access becomes 403 — or 404 where
even the object's existence is not the reader's business — and a :class:`DomainError`
becomes a message on the page the user returns to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from phieukin.accounts.access import AccessDenied
from phieukin.core.errors import DomainError


def perform(
    request: HttpRequest, action: Callable[[], Any], success: str, *, hide: bool = False
) -> bool:
    """Run *action*; show *success* or the refusal's message; return whether it succeeded.

    *hide* answers a refusal of access with 404 instead of 403.
    """
    try:
        action()
    except AccessDenied:
        if hide:
            raise Http404 from None
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, success)
    return True


def form_errors_as_messages(request: HttpRequest, form: Any) -> None:
    """Show every error of an invalid *form* as a message (forms posted from a detail page)."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
