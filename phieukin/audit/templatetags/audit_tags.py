"""Template filters of the audit pages."""

from __future__ import annotations

from django import template

from phieukin.audit.labels import action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    """Return the Vietnamese name of an audit action."""
    return action_label(action)
