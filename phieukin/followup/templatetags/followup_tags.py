"""Template helpers of the follow-through: figures printed as the reports print them."""

from __future__ import annotations

from django import template

from phieukin.followup import hooks
from phieukin.reports import formatting

register = template.Library()


@register.filter
def fu_number(value: float | None) -> str:
    return formatting.number(value)


@register.filter
def fu_percent(value: float | None) -> str:
    return formatting.percent(value)


@register.filter
def fu_signed(value: float | None) -> str:
    return hooks.signed_number(value)


@register.filter
def fu_movement(value: str) -> str:
    """Return the Vietnamese word for a movement of the rating, with an arrow."""
    return hooks.movement_label(value)
