"""Writes of the professional criteria: import, commit, self-assess, submit, review, remind.

An assessment moves draft → submitted → reviewed, or submitted → returned → submitted;
a reviewed assessment is final. Every change is authorized by the rules of
:mod:`phieukin.accounts.rules.criteria` and leaves an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import Conflict, DomainError
from phieukin.core.uploads import MB, validate_bytes
from phieukin.criteria import scoring
from phieukin.criteria.fileio import CriteriaFileError, CriteriaSetSpec, parse_content
from phieukin.criteria.models import (
    Assessment,
    AssessmentState,
    Commitment,
    CriteriaSet,
    Criterion,
    Reminder,
    ReminderKind,
    Score,
)

if TYPE_CHECKING:
    from phieukin.accounts.models import User
    from phieukin.units.models import Person, Unit

CRITERIA_MAX_BYTES = 2 * MB
CRITERIA_KINDS = ("text", "xlsx")
CRITERIA_ACCEPTED = "YAML (UTF-8), XLSX"


def levels_of(criteria_set: CriteriaSet) -> list[scoring.Level]:
    """Return the set's levels, best first."""
    return [
        scoring.Level(str(lv["key"]), str(lv["label"]), int(lv["min_percent"]))
        for lv in criteria_set.levels
    ]


def import_criteria_set(*, actor: User | None, filename: str, data: bytes) -> CriteriaSet:
    """Create a criteria set from a YAML or XLSX file; its code and version must be new.

    The kind is read from the content (an XLSX workbook or UTF-8 text), never from
    *filename*; another kind or more than ``CRITERIA_MAX_BYTES`` is refused
    (``UploadRefused``, 415 or 413) before anything is parsed.
    """
    authorize(actor, "criteria.import")
    kind = validate_bytes(
        data, kinds=CRITERIA_KINDS, max_bytes=CRITERIA_MAX_BYTES, accepted=CRITERIA_ACCEPTED
    )
    try:
        spec = parse_content(kind, data)
    except CriteriaFileError as exc:
        raise DomainError(exc.render(_), code="criteria_file") from exc
    return create_criteria_set(actor=actor, spec=spec)


def create_criteria_set(*, actor: User | None, spec: CriteriaSetSpec) -> CriteriaSet:
    """Create a criteria set from a parsed file."""
    authorize(actor, "criteria.import")
    with transaction.atomic():
        if CriteriaSet.objects.filter(code=spec.code, version=spec.version).exists():
            raise Conflict(
                _("Criteria set %(code)s version %(version)s already exists.")
                % {"code": spec.code, "version": spec.version},
                code="criteria_set_exists",
            )
        criteria_set = CriteriaSet.objects.create(
            code=spec.code,
            version=spec.version,
            title=spec.title,
            description=spec.description,
            levels=[
                {"key": lv.key, "label": lv.label, "min_percent": lv.min_percent}
                for lv in spec.levels
            ],
        )
        Criterion.objects.bulk_create(
            Criterion(
                criteria_set=criteria_set,
                key=c.key,
                group_key=c.group_key,
                group_title=c.group_title,
                text=c.text,
                max_score=c.max_score,
                order=c.order,
            )
            for c in spec.criteria
        )
        record_event(
            actor=actor,
            action="criteria.import",
            obj=criteria_set,
            data={"code": spec.code, "version": spec.version, "criteria": len(spec.criteria)},
        )
    return criteria_set


@dataclass(frozen=True)
class _Pending:
    """A commitment not yet saved, for the access rule to read."""

    person_id: int
    unit_id: int


def commit_to_criteria(
    *,
    actor: User | None,
    person: Person,
    unit: Unit,
    year: int,
    criteria_set: CriteriaSet,
    position_title: str = "",
    pledge: str = "",
    committed_on: dt.date | None = None,
) -> Commitment:
    """Record an official's commitment to *criteria_set* for *year* (once per year)."""
    authorize(actor, "criteria.commit", _Pending(person.pk, unit.pk))
    with transaction.atomic():
        if Commitment.objects.filter(person=person, year=year).exists():
            raise Conflict(
                _("%(name)s has already committed to the criteria for %(year)s.")
                % {"name": person.full_name, "year": year},
                code="commitment_exists",
            )
        commitment = Commitment.objects.create(
            person=person,
            unit=unit,
            year=year,
            criteria_set=criteria_set,
            position_title=position_title,
            pledge=pledge,
            committed_on=committed_on or timezone.localdate(),
            created_by=actor if actor is not None and actor.pk else None,
        )
        record_event(
            actor=actor,
            action="criteria.commit",
            obj=commitment,
            unit=unit,
            data={"year": year, "set": criteria_set.pk},
        )
    return commitment


def _check_quarter(quarter: int) -> None:
    if quarter not in scoring.QUARTERS:
        raise DomainError(_("The quarter must be 1, 2, 3 or 4."), code="bad_quarter")


def _check_scores(
    criteria: list[Criterion], scores: Mapping[str, int], *, partial: bool = False
) -> None:
    known = {c.key for c in criteria}
    unknown = sorted(set(scores) - known)
    if unknown:
        raise DomainError(
            _("Unknown criterion: %(keys)s.") % {"keys": ", ".join(unknown)},
            code="unknown_criterion",
        )
    for criterion in criteria:
        if criterion.key not in scores:
            if partial:
                continue
            raise DomainError(
                _("Give a score for criterion %(key)s.") % {"key": criterion.key},
                code="missing_score",
            )
        value = scores[criterion.key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= criterion.max_score
        ):
            raise DomainError(
                _("The score of criterion %(key)s must be from 0 to %(max)s.")
                % {"key": criterion.key, "max": criterion.max_score},
                code="bad_score",
            )


def save_self_assessment(
    *,
    actor: User | None,
    commitment: Commitment,
    quarter: int,
    scores: Mapping[str, int],
    comment: str = "",
    submit: bool = False,
) -> Assessment:
    """Save the official's scores for *quarter* (a draft), and submit them when *submit*."""
    authorize(actor, "criteria.assess", commitment)
    _check_quarter(quarter)
    criteria = list(Criterion.objects.filter(criteria_set_id=commitment.criteria_set_id))
    _check_scores(criteria, scores)
    with transaction.atomic():
        assessment, _created = Assessment.objects.select_for_update().get_or_create(
            commitment=commitment, quarter=quarter
        )
        if assessment.state in (AssessmentState.SUBMITTED, AssessmentState.REVIEWED):
            raise Conflict(
                _("The assessment of quarter %(q)s was already submitted.") % {"q": quarter},
                code="assessment_submitted",
            )
        Score.objects.filter(assessment=assessment).delete()
        Score.objects.bulk_create(
            Score(assessment=assessment, criterion=c, self_score=scores[c.key]) for c in criteria
        )
        assessment.self_comment = comment.strip()
        assessment.self_points = sum(scores[c.key] for c in criteria)
        assessment.maximum = sum(c.max_score for c in criteria)
        if submit:
            assessment.state = AssessmentState.SUBMITTED
            assessment.submitted_at = timezone.now()
            Reminder.objects.filter(
                commitment=commitment, quarter=quarter, kind=ReminderKind.SELF
            ).delete()
        else:
            assessment.state = AssessmentState.DRAFT
        assessment.save()
        record_event(
            actor=actor,
            action="criteria.submit" if submit else "criteria.save_draft",
            obj=assessment,
            unit=commitment.unit,
            data={"quarter": quarter, "points": assessment.self_points},
        )
    return assessment


def review_assessment(
    *,
    actor: User | None,
    assessment: Assessment,
    scores: Mapping[str, int] | None = None,
    comment: str = "",
    approve: bool = True,
) -> Assessment:
    """Review a submitted assessment: confirm or adjust the scores, or return it.

    *scores* holds the manager's score for criteria they change (the official's score
    stands for the others). Approving computes the quarter's result; returning needs a
    comment saying what to revise.
    """
    commitment = assessment.commitment
    authorize(actor, "criteria.review", commitment)
    comment = comment.strip()
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.state != AssessmentState.SUBMITTED:
            raise Conflict(_("Only a submitted assessment can be reviewed."), code="not_submitted")
        rows = list(locked.scores.select_related("criterion"))
        changes = dict(scores or {})
        _check_scores([r.criterion for r in rows], changes, partial=True)
        locked.reviewer = actor if actor is not None and actor.pk else None
        locked.review_comment = comment
        if not approve:
            if not comment:
                raise DomainError(
                    _("Say in the comment what the official should revise."),
                    code="comment_required",
                )
            locked.state = AssessmentState.RETURNED
            locked.save()
            record_event(
                actor=actor,
                action="criteria.return",
                obj=locked,
                unit=commitment.unit,
                data={"quarter": locked.quarter},
            )
            return locked
        for row in rows:
            row.reviewed_score = changes.get(row.criterion.key, row.self_score)
        Score.objects.bulk_update(rows, ["reviewed_score"])
        outcome = scoring.result(
            ((r.reviewed_score or 0, r.criterion.max_score) for r in rows),
            levels_of(commitment.criteria_set),
        )
        locked.reviewed_points = outcome.points
        locked.maximum = outcome.maximum
        locked.level_key = outcome.level_key
        locked.level_label = outcome.level_label
        locked.state = AssessmentState.REVIEWED
        locked.reviewed_at = timezone.now()
        locked.save()
        Reminder.objects.filter(commitment=commitment, quarter=locked.quarter).delete()
        record_event(
            actor=actor,
            action="criteria.review",
            obj=locked,
            unit=commitment.unit,
            data={
                "quarter": locked.quarter,
                "points": outcome.points,
                "level": outcome.level_key,
                "changed": sorted(k for k, v in changes.items()),
            },
        )
    return locked


@dataclass(frozen=True)
class Outstanding:
    """A commitment whose quarter is not done: no submitted self-assessment, or no review."""

    commitment: Commitment
    quarter: int
    kind: str
    state: str  # the assessment's state, "" when none exists

    @property
    def kind_label(self) -> str:
        return str(ReminderKind(self.kind).label)


def outstanding(commitments: list[Commitment], quarter: int) -> list[Outstanding]:
    """Return what is not done for *quarter* among *commitments* (already scoped)."""
    states = dict(
        Assessment.objects.filter(commitment__in=commitments, quarter=quarter).values_list(
            "commitment_id", "state"
        )
    )
    out: list[Outstanding] = []
    for commitment in commitments:
        state = states.get(commitment.pk, "")
        if state in ("", AssessmentState.DRAFT, AssessmentState.RETURNED):
            out.append(Outstanding(commitment, quarter, ReminderKind.SELF, state))
        elif state == AssessmentState.SUBMITTED:
            out.append(Outstanding(commitment, quarter, ReminderKind.REVIEW, state))
    return out


def queue_reminders(
    *, actor: User | None, year: int, quarter: int, commitments: list[Commitment]
) -> list[Reminder]:
    """Queue one reminder per outstanding assessment or review (once per quarter and kind)."""
    _check_quarter(quarter)
    units = {c.unit_id: c.unit for c in commitments}
    for unit in units.values():
        authorize(actor, "criteria.remind", unit)
    queued: list[Reminder] = []
    commitments = [c for c in commitments if c.year == year]
    pending = outstanding(commitments, quarter)
    wanted = {(item.commitment.pk, item.kind) for item in pending}
    with transaction.atomic():
        for item in pending:
            reminder, created = Reminder.objects.get_or_create(
                commitment=item.commitment, quarter=quarter, kind=item.kind
            )
            if created:
                queued.append(reminder)
        # A reminder whose work has been done since it was queued is dropped.
        stale = [
            r.pk
            for r in Reminder.objects.filter(commitment__in=commitments, quarter=quarter)
            if (r.commitment_id, r.kind) not in wanted
        ]
        Reminder.objects.filter(pk__in=stale).delete()
        if queued or stale:
            record_event(
                actor=actor,
                action="criteria.queue_reminders",
                data={
                    "year": year,
                    "quarter": quarter,
                    "queued": len(queued),
                    "cleared": len(stale),
                },
            )
    return queued
