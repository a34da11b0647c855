"""A confirmation step before an irreversible action, without JavaScript.

A form that changes something for good posts ``confirm=yes`` only from the confirmation
page. A view calls :func:`confirmed` first; when the field is missing it answers the
confirmation page (:func:`confirmation_page`) instead of acting, so a stray or replayed
POST without the confirmation changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"


def confirmed(request: HttpRequest) -> bool:
    """Return whether the request is a POST that carries the confirmation."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    action: str,
    button: str,
    cancel: str,
    fields: dict[str, Any] | None = None,
    danger: bool = True,
    reason_label: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render the page that asks the user to confirm *title*.

    *consequences* are plain sentences of what will happen and what cannot be undone;
    *fields* are posted again as hidden inputs (never secrets); *reason_label* adds a
    required reason field.
    """
    hidden = {k: v for k, v in (fields or {}).items() if k != CONFIRM_FIELD}
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "action": action,
            "button": button,
            "cancel": cancel,
            "fields": hidden,
            "danger": danger,
            "reason_label": reason_label,
            "reason": request.POST.get("reason", "") if request.method == "POST" else "",
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
        },
        status=status,
    )
