"""Template filters shared by the back-office pages."""

from __future__ import annotations

import json
from typing import Any

from django import template

from phieukin.core import publicurl

register = template.Library()


@register.filter
def as_json(value: Any) -> str:
    """Render *value* as compact JSON with Vietnamese letters kept readable."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


@register.filter
def thousands(value: Any) -> str:
    """Render a whole number with a thousands dot ("1.427"); anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "" if value is None else str(value)
    return f"{value:,}".replace(",", ".")


@register.simple_tag
def local_public_url() -> str:
    """Return the public URL when it is a local address (slips would be useless), else ""."""
    return publicurl.public_url() if publicurl.is_local() else ""
