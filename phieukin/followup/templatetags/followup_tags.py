"""Template helpers of the follow-through: figures printed as the reports print them."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from phieukin.followup.outcome import Movement
from phieukin.reports import formatting

register = template.Library()

MOVEMENT_LABELS = {
    Movement.BETTER: ("better", "↑"),
    Movement.SAME: ("same", "→"),
    Movement.WORSE: ("worse", "↓"),
    Movement.UNKNOWN: ("unknown", "–"),
}


@register.filter
def fu_number(value: float | None) -> str:
    return formatting.number(value)


@register.filter
def fu_percent(value: float | None) -> str:
    return formatting.percent(value)


@register.filter
def fu_signed(value: float | None) -> str:
    if value is None:
        return "–"
    text = formatting.number(abs(value))
    return ("+" if value >= 0 else "−") + text


@register.filter
def fu_movement(value: str) -> str:
    """Return the Vietnamese word for a movement of the rating, with an arrow."""
    labels = {
        Movement.BETTER: _("better"),
        Movement.SAME: _("same"),
        Movement.WORSE: _("worse"),
        Movement.UNKNOWN: _("not comparable"),
    }
    arrow = MOVEMENT_LABELS.get(Movement(value), ("", ""))[1]
    return f"{arrow} {labels.get(Movement(value), value)}"
