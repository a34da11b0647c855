"""System checks for settings the secret ballot depends on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_code_key(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Refuse a deployment whose code-hash key is missing or short."""
    key = getattr(settings, "CODE_HASH_KEY", "")
    if not key or len(key) < 32:
        return [
            Error(
                "PHIEUKIN_CODE_KEY (or SECRET_KEY) must be at least 32 characters.",
                id="phieukin.E001",
            )
        ]
    return []
