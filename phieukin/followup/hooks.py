"""Registrations of the follow-through with the apps below it."""

from __future__ import annotations

from phieukin.followup import selectors
from phieukin.reports import sections
from phieukin.rounds.models import Subject


def outcome_section(subject: Subject) -> sections.Section | None:
    """Return the section "what the plan promised and how the rating moved", if any."""
    result = selectors.plan_outcome(subject)
    if result is None:
        return None
    return sections.Section("followup/report_outcome.html", {"outcome": result})


def register() -> None:
    """Register the report section (called from ``FollowupConfig.ready``)."""
    sections.register_leader_section(outcome_section)
