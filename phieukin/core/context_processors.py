"""Template context shared by every back-office page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Expose the product name and the user's roles to templates."""
    user = getattr(request, "user", None)
    roles: set[str] = set()
    if user is not None and user.is_authenticated:
        from phieukin.accounts.scoping import roles_of

        roles = roles_of(user)
    return {"product_name": "phieukin", "user_roles": roles}
