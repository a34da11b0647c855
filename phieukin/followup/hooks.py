"""Registrations of the follow-through with the apps below it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from phieukin.followup import selectors
from phieukin.followup.outcome import Movement
from phieukin.reports import formatting, sections
from phieukin.reports.content import ExtraSection
from phieukin.rounds.models import Subject

ARROWS = {
    Movement.BETTER: "↑",
    Movement.SAME: "→",
    Movement.WORSE: "↓",
    Movement.UNKNOWN: "–",
}


def movement_label(value: str) -> str:
    """Return the Vietnamese word for a movement of the rating, with an arrow."""
    labels = {
        Movement.BETTER: _("better"),
        Movement.SAME: _("same"),
        Movement.WORSE: _("worse"),
        Movement.UNKNOWN: _("not comparable"),
    }
    move = Movement(value)
    return f"{ARROWS[move]} {labels[move]}"


def signed_number(value: float | None) -> str:
    """Return a change of a mean with its sign and a decimal comma ("+0,25", "−0,10")."""
    if value is None:
        return "–"
    return ("+" if value >= 0 else "−") + formatting.number(abs(value))


def outcome_document(result: selectors.PlanOutcome) -> ExtraSection:
    """Return the comparison as the report files print it (call in the document language)."""
    plan = result.plan
    notes = [
        _(
            "Plan of %(round)s (version %(version)s, %(state)s). A change of less than "
            "0,10 point counts as the same."
        )
        % {
            "round": result.previous_round.title,
            "version": plan.version,
            "state": plan.get_state_display(),
        }
    ]
    if result.caution:
        notes.append(
            _(
                "Caution: few ballots (%(before)s before, %(after)s now); a few people can "
                "move a mean by half a point."
            )
            % {
                "before": "–"
                if result.ballots_before is None
                else formatting.count(result.ballots_before),
                "after": "–"
                if result.ballots_after is None
                else formatting.count(result.ballots_after),
            }
        )
    rows = []
    for row in result.items:
        promised = row.promise.action
        if row.promise.expected_result:
            promised += "\n" + _("Expected result:") + " " + row.promise.expected_result
        rows.append(
            (
                row.promise.item_text,
                promised,
                f"{row.promise.percent}\u00a0%",
                formatting.number(row.before),
                formatting.number(row.after),
                signed_number(row.change),
                movement_label(row.movement) + (" *" if row.caution else ""),
            )
        )
    footnotes = []
    if result.caution:
        footnotes.append(_("* Few ballots: read this movement with caution."))
    return ExtraSection(
        title=_("What the remediation plan promised and how the ratings moved"),
        columns=(
            pgettext("plan outcome column", "Item"),
            _("What the plan promised"),
            _("Progress"),
            _("Mean before"),
            _("Mean now"),
            _("Change"),
            _("Rating"),
        ),
        rows=tuple(rows),
        notes=tuple(notes),
        footnotes=tuple(footnotes),
        numeric=(2, 3, 4, 5),
    )


def outcome_section(subject: Subject) -> sections.Section | None:
    """Return the section "what the plan promised and how the rating moved", if any."""
    result = selectors.plan_outcome(subject)
    if result is None:
        return None
    return sections.Section(
        "followup/report_outcome.html", {"outcome": result}, document=outcome_document(result)
    )


def register() -> None:
    """Register the report section (called from ``FollowupConfig.ready``)."""
    sections.register_leader_section(outcome_section)
