"""Bearer-token authentication of the admin API (only the SHA-256 digest is stored).

A token authenticates while it is neither revoked nor expired and its user is active.
Tokens are created and revoked by the audited services of :mod:`phieukin.accounts.services`
(the token page, ``manage.py create_api_token``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from phieukin.accounts import services
from phieukin.accounts.models import ApiToken, User
from phieukin.accounts.services import token_digest

__all__ = ["TokenAuth", "create_api_token", "token_digest"]


def create_api_token(*, user: User, name: str, days: int | None = None) -> str:
    """Create a token for *user* as the operator and return its secret (shown once)."""
    return services.create_api_token(actor=None, user=user, name=name, days=days).secret


class TokenAuth(HttpBearer):
    """Accept ``Authorization: Bearer <token>`` for an active user's live token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(
                digest=token_digest(token),
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
                user__is_active=True,
            )
            .first()
        )
        if row is None:
            return None
        request.user = row.user
        return row.user
