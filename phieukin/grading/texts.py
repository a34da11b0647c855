"""Vietnamese sentences for the stable codes of the pure grading rules, and level names."""

from __future__ import annotations

from django.utils.translation import gettext as _

from phieukin.grading.rules import RuleError, rulebook


def points(value: object) -> str:
    """Return points with a decimal comma (89,9)."""
    return str(value).replace(".", ",")


def rule_error_message(error: RuleError) -> str:
    """Return the rules' refusal as a sentence."""
    p = error.params
    part = {"general": _("general criteria"), "tasks": _("task results")}
    params = {
        **p,
        "part": part.get(str(p.get("part")), p.get("part")),
        "maximum": points(p.get("maximum")),
        "value": points(p.get("value")),
    }
    messages = {
        "points_out_of_range": _(
            "%(part)s must be between 0 and %(maximum)s points, not %(value)s"
        ),
        "points_required": _("%(regulation)s grades by points: give both parts."),
        "grade_required": _("Choose one of the four grades."),
        "unknown_level": _("Unknown grade."),
        "no_regulation": _("No regulation governs the review of %(year)s."),
        "unknown_regulation": _("Unknown regulation."),
    }
    template = messages.get(error.code)
    return str(template) % params if template is not None else error.code


def level_label(code: str) -> str:
    """Return the Vietnamese name of a grade code, or an empty string."""
    if not code:
        return ""
    try:
        return rulebook().level(code).label
    except RuleError:
        return code
