"""Bearer-token authentication of the admin API (only the SHA-256 digest is stored)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja.security import HttpBearer

from phieukin.accounts.models import ApiToken, User


def token_digest(token: str) -> str:
    """Return the stored digest of a plain token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(*, user: User, name: str) -> str:
    """Create a token for *user* and return it in plain text (shown once, never stored)."""
    token = "pk_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        ApiToken.objects.create(user=user, name=name, digest=token_digest(token))
    return token


class TokenAuth(HttpBearer):
    """Accept ``Authorization: Bearer <token>`` for an active user's unrevoked token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        request.user = row.user
        return row.user
