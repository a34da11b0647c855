"""Template filters of the audit pages."""

from __future__ import annotations

from typing import Any

from django import template

from phieukin.audit.details import Detail, event_details
from phieukin.audit.labels import action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """Return the Vietnamese name of an audit action."""
    return action_label(action)


@register.filter
def audit_details(data: Any) -> list[Detail]:
    """Return an event's details as Vietnamese-labelled lines (never raw JSON keys)."""
    return event_details(data)
