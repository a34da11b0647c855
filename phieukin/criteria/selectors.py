"""Reads of the professional criteria, scoped to what the reader may see.

:func:`quarterly_results` is the evidence the annual grading reads: one line per quarter
of an official's year, with the reviewed result when there is one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from phieukin.accounts.access import can
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for
from phieukin.criteria import scoring
from phieukin.criteria.models import (
    Assessment,
    AssessmentState,
    Commitment,
    CriteriaSet,
    Reminder,
    ReminderKind,
)
from phieukin.criteria.services import Outstanding, levels_of, outstanding

READER_ROLES = (Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER, Role.STANDING_COMMITTEE)


def criteria_sets() -> QuerySet[CriteriaSet]:
    """Return every criteria set (sets are not confidential), newest version first."""
    return CriteriaSet.objects.all().order_by("code", "-version")


def commitments_for(
    user: Any, *, year: int | None = None, unit_id: int | None = None
) -> QuerySet[Commitment]:
    """Return the commitments the user may read: their own and those of units they reach."""
    if not getattr(user, "is_authenticated", False):
        return Commitment.objects.none()
    units = unit_ids_for(user, roles=list(READER_ROLES))
    condition = Q(unit_id__in=units)
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        condition |= Q(person_id=person_id)
    qs = Commitment.objects.filter(condition)
    if year is not None:
        qs = qs.filter(year=year)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.select_related("person", "unit", "criteria_set")


def assessment_rows(commitment: Commitment, quarter: int) -> tuple[Assessment | None, list[Any]]:
    """Return the quarter's assessment (or None) and its criteria with their scores."""
    assessment = (
        Assessment.objects.filter(commitment=commitment, quarter=quarter)
        .select_related("reviewer")
        .first()
    )
    scores = {}
    if assessment is not None:
        scores = {s.criterion_id: s for s in assessment.scores.all()}
    rows = []
    for criterion in commitment.criteria_set.criteria.order_by("order"):
        rows.append({"criterion": criterion, "score": scores.get(criterion.pk)})
    return assessment, rows


@dataclass(frozen=True)
class QuarterLine:
    """One quarter of an official's year: state, points and level (once reviewed)."""

    year: int
    quarter: int
    state: str
    state_label: str
    self_points: int | None
    reviewed_points: int | None
    maximum: int
    percent: float | None
    level_key: str
    level_label: str
    review_comment: str

    @property
    def done(self) -> bool:
        return self.state == AssessmentState.REVIEWED


@dataclass(frozen=True)
class YearResults:
    """An official's commitment for one year and its four quarters."""

    commitment_id: int
    year: int
    unit: str
    position_title: str
    criteria_set: str
    committed_on: dt.date
    quarters: tuple[QuarterLine, ...]
    year_level_label: str = ""
    year_percent: float | None = None


def _year_results(commitment: Commitment) -> YearResults:
    assessments = {a.quarter: a for a in commitment.assessments.all()}
    lines = []
    levels = levels_of(commitment.criteria_set)
    for quarter in scoring.QUARTERS:
        a = assessments.get(quarter)
        if a is None:
            lines.append(
                QuarterLine(commitment.year, quarter, "", "", None, None, 0, None, "", "", "")
            )
            continue
        percent = (
            round(100.0 * a.reviewed_points / a.maximum, 1)
            if a.state == AssessmentState.REVIEWED and a.reviewed_points is not None and a.maximum
            else None
        )
        lines.append(
            QuarterLine(
                year=commitment.year,
                quarter=quarter,
                state=a.state,
                state_label=str(AssessmentState(a.state).label),
                self_points=a.self_points if a.state != AssessmentState.DRAFT else None,
                reviewed_points=a.reviewed_points,
                maximum=a.maximum,
                percent=percent,
                level_key=a.level_key if percent is not None else "",
                level_label=a.level_label if percent is not None else "",
                review_comment=a.review_comment if percent is not None else "",
            )
        )
    reviewed = [line for line in lines if line.percent is not None]
    year_level = ""
    year_percent = None
    if reviewed:
        outcome = scoring.result(
            ((line.reviewed_points or 0, line.maximum) for line in reviewed), levels
        )
        year_level, year_percent = outcome.level_label, outcome.percent
    return YearResults(
        commitment_id=commitment.pk,
        year=commitment.year,
        unit=str(commitment.unit),
        position_title=commitment.position_title,
        criteria_set=str(commitment.criteria_set),
        committed_on=commitment.committed_on,
        quarters=tuple(lines),
        year_level_label=year_level,
        year_percent=year_percent,
    )


def quarterly_results(user: Any, *, person_id: int, year: int | None = None) -> list[YearResults]:
    """Return an official's quarterly results per year, newest year first.

    Scoped: only the commitments the reader may view (``criteria.view``). This is the
    evidence of the professional criteria for the annual grading.
    """
    qs = (
        Commitment.objects.filter(person_id=person_id)
        .select_related("unit", "criteria_set")
        .prefetch_related("assessments")
        .order_by("-year")
    )
    if year is not None:
        qs = qs.filter(year=year)
    return [_year_results(c) for c in qs if can(user, "criteria.view", c)]


@dataclass(frozen=True)
class UnitQuarter:
    """A unit's quarter: commitments, how many are reviewed, pending, and per level."""

    unit_id: int
    unit: str
    commitments: int
    reviewed: int
    submitted: int
    not_done: int
    levels: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    mean_percent: float | None = None


def unit_quarter_results(user: Any, *, year: int, quarter: int) -> list[UnitQuarter]:
    """Return each visible unit's results for the quarter (counts per level, mean share)."""
    commitments = list(commitments_for(user, year=year).order_by("unit__sort_key"))
    states = {
        a.commitment_id: a
        for a in Assessment.objects.filter(commitment__in=commitments, quarter=quarter)
    }
    by_unit: dict[int, list[Commitment]] = {}
    for c in commitments:
        by_unit.setdefault(c.unit_id, []).append(c)
    out = []
    for unit_id, rows in by_unit.items():
        reviewed = [
            states[c.pk]
            for c in rows
            if c.pk in states and states[c.pk].state == AssessmentState.REVIEWED
        ]
        submitted = sum(
            1 for c in rows if c.pk in states and states[c.pk].state == AssessmentState.SUBMITTED
        )
        counts = Counter(a.level_label for a in reviewed)
        percents = [100.0 * (a.reviewed_points or 0) / a.maximum for a in reviewed if a.maximum]
        out.append(
            UnitQuarter(
                unit_id=unit_id,
                unit=str(rows[0].unit),
                commitments=len(rows),
                reviewed=len(reviewed),
                submitted=submitted,
                not_done=len(rows) - len(reviewed) - submitted,
                levels=tuple(sorted(counts.items())),
                mean_percent=round(sum(percents) / len(percents), 1) if percents else None,
            )
        )
    return out


def outstanding_for(user: Any, *, year: int, quarter: int) -> list[Outstanding]:
    """Return the quarter's undone self-assessments and reviews the user may see."""
    commitments = list(commitments_for(user, year=year).order_by("unit__sort_key"))
    return outstanding(commitments, quarter)


def reminders_for(user: Any) -> QuerySet[Reminder]:
    """Return the queued reminders addressed to the user.

    An official sees those about their own self-assessment; a reviewer (district
    organiser, Standing Committee) those about reviews in the units they reach; a ward
    organiser every reminder of its ward.
    """
    if not getattr(user, "is_authenticated", False):
        return Reminder.objects.none()
    condition = Q(commitment__unit_id__in=unit_ids_for(user, roles=[Role.WARD_ORGANISER]))
    condition |= Q(
        kind=ReminderKind.REVIEW,
        commitment__unit_id__in=unit_ids_for(
            user, roles=[Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE]
        ),
    )
    person_id = getattr(user, "person_id", None)
    if person_id is not None:
        condition |= Q(kind=ReminderKind.SELF, commitment__person_id=person_id)
    return (
        Reminder.objects.filter(condition)
        .select_related("commitment__person", "commitment__unit")
        .order_by("commitment__year", "quarter", "commitment__unit__sort_key")
    )


def dashboard_panel(user: Any) -> dict[str, Any] | None:
    """Return the dashboard panel of the criteria for *user*, or None when there is none.

    Queued reminders addressed to the user, and the last ended quarter's undone work in
    the units the user keeps.
    """
    if not (getattr(user, "person_id", None) or unit_ids_for(user, roles=list(READER_ROLES))):
        return None
    year, quarter = scoring.last_ended_quarter(timezone.localdate())
    queued = list(reminders_for(user)[:20])
    pending = outstanding_for(user, year=year, quarter=quarter)
    if not queued and not pending:
        return None
    return {
        "year": year,
        "quarter": quarter,
        "queued": queued,
        "pending": pending,
        "can_remind": can(user, "criteria.remind", None),
    }
