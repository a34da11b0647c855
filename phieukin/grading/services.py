"""Writes of the annual review: open a year, and the three steps of each grading.

The steps run in order — self-assessment, the advisory body's proposal, the competent
level's decision — each by its own role (``accounts/rules/grading.py``), each audited
with who and when. A step may be done again until the next step is taken; a decision
is final. Under a points framework (QĐ 366) the grade of every step is computed from
its points.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import Conflict, DomainError
from phieukin.grading import rules
from phieukin.grading.models import Grading, GradingYear, Step, SubjectKind
from phieukin.grading.texts import rule_error_message
from phieukin.units.models import Position, Unit, UnitKind

if TYPE_CHECKING:
    from phieukin.accounts.models import User

LOCAL_KINDS = (UnitKind.WARD, UnitKind.COMMUNE)


def _valid_in(year: int) -> Q:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    )


def _last_day(unit: Unit, year: int) -> dt.date:
    end = dt.date(year, 12, 31)
    return min(end, unit.valid_until) if unit.valid_until else end


def open_grading_year(
    *, actor: User | None, organiser_unit: Unit, year: int, regulation: str | None = None
) -> GradingYear:
    """Open the review of *year*: the regulation of that year, one grading per subject.

    Subjects are the collective of every ward or commune under *organiser_unit* that
    existed in the year, and the holder of each of its posts on the year's last day
    (or the unit's last day). The regulation is the one that governs the year unless
    the organiser names another.
    """
    authorize(actor, "grading.open_year", organiser_unit)
    try:
        rule = rules.rulebook().regulation(regulation) if regulation else None
        rule = rule or rules.rulebook().for_year(year)
    except rules.RuleError as exc:
        raise DomainError(rule_error_message(exc), code=exc.code) from exc
    with transaction.atomic():
        if GradingYear.objects.filter(organiser_unit=organiser_unit, year=year).exists():
            raise Conflict(
                _("The review of %(year)s is already open.") % {"year": year},
                code="year_exists",
            )
        grading_year = GradingYear.objects.create(
            organiser_unit=organiser_unit, year=year, regulation=rule.key, opened_by=actor
        )
        units = list(
            Unit.objects.filter(parent=organiser_unit, kind__in=LOCAL_KINDS)
            .filter(_valid_in(year))
            .order_by("sort_key")
        )
        gradings: list[Grading] = []
        for unit in units:
            gradings.append(
                Grading(
                    year=grading_year,
                    kind=SubjectKind.COLLECTIVE,
                    unit=unit,
                    name=unit.party_committee or unit.full_name or unit.name,
                    peer_group=_("Ward Party committees"),
                )
            )
            day = _last_day(unit, year)
            for position in Position.objects.filter(unit=unit).select_related("type"):
                person = position.holder_on(day)
                if person is None:
                    continue
                gradings.append(
                    Grading(
                        year=grading_year,
                        kind=SubjectKind.INDIVIDUAL,
                        unit=unit,
                        person=person,
                        name=person.full_name,
                        position_title=position.title,
                        peer_group=position.type.title,
                    )
                )
        Grading.objects.bulk_create(gradings)
        record_event(
            actor=actor,
            action="grading.year_opened",
            obj=grading_year,
            unit=organiser_unit,
            data={"year": year, "regulation": rule.key, "gradings": len(gradings)},
        )
    return grading_year


def _grade(
    grading: Grading, grade: str | None, general: Decimal | None, tasks: Decimal | None
) -> tuple[str, Decimal | None, Decimal | None]:
    regulation = rules.rulebook().regulation(grading.year.regulation)
    try:
        code = rules.decide_grade(regulation, chosen=grade, general=general, tasks=tasks)
    except rules.RuleError as exc:
        raise DomainError(rule_error_message(exc), code=exc.code) from exc
    if regulation.points is None:
        return code, None, None
    return code, general, tasks


def _refuse(message: str, code: str) -> Conflict:
    return Conflict(message, code=code)


def _locked(grading: Grading) -> Grading:
    return Grading.objects.select_for_update().select_related("year", "unit").get(pk=grading.pk)


# The fields each step writes: (prefix of grade/general/tasks/by/at, text field, audit action).
_STEP_FIELDS = {
    "self": ("self_text", "grading.self_assessed"),
    "proposed": ("proposal_text", "grading.proposed"),
    "decided": ("decision_text", "grading.decided"),
}


def _record_step(
    grading: Grading,
    actor: User | None,
    step: str,
    prefix: str,
    text: str,
    chosen: tuple[str | None, Decimal | None, Decimal | None],
) -> Grading:
    """Write one step's text, grade, points, author and time; move on; audit (in the
    caller's transaction, on the locked row)."""
    code, general, tasks = _grade(grading, *chosen)
    text_field, action = _STEP_FIELDS[prefix]
    setattr(grading, text_field, text.strip())
    for name, value in (
        ("grade", code),
        ("general", general),
        ("tasks", tasks),
        ("by", actor),
        ("at", timezone.now()),
    ):
        setattr(grading, f"{prefix}_{name}", value)
    grading.step = step
    grading.save()
    _audit(actor, grading, action, code, general, tasks)
    return grading


def self_assess(
    *,
    actor: User | None,
    grading: Grading,
    text: str,
    grade: str | None = None,
    general: Decimal | None = None,
    tasks: Decimal | None = None,
) -> Grading:
    """Step 1: the individual or the collective assesses and grades itself."""
    authorize(actor, "grading.self_assess", grading)
    if not text.strip():
        raise DomainError(_("Write the self-assessment."), code="no_text")
    with transaction.atomic():
        grading = _locked(grading)
        if grading.step not in (Step.PENDING, Step.SELF_ASSESSED):
            raise _refuse(
                _("The advisory body has already proposed a grade; the self-assessment is closed."),
                "step_closed",
            )
        return _record_step(
            grading, actor, Step.SELF_ASSESSED, "self", text, (grade, general, tasks)
        )


def propose(
    *,
    actor: User | None,
    grading: Grading,
    text: str,
    grade: str | None = None,
    general: Decimal | None = None,
    tasks: Decimal | None = None,
) -> Grading:
    """Step 2: the advisory body proposes a grade, after the self-assessment."""
    authorize(actor, "grading.propose", grading)
    with transaction.atomic():
        grading = _locked(grading)
        if grading.step == Step.PENDING:
            raise _refuse(_("No proposal before the self-assessment."), "self_assessment_missing")
        if grading.step == Step.DECIDED:
            raise _refuse(_("The grade has been decided."), "decided")
        return _record_step(
            grading, actor, Step.PROPOSED, "proposed", text, (grade, general, tasks)
        )


def decide(
    *,
    actor: User | None,
    grading: Grading,
    text: str,
    grade: str | None = None,
    general: Decimal | None = None,
    tasks: Decimal | None = None,
) -> Grading:
    """Step 3: the competent level decides, after the proposal; final.

    A unit's collective is decided before the people who lead it.
    """
    authorize(actor, "grading.decide", grading)
    with transaction.atomic():
        grading = _locked(grading)
        if grading.step in (Step.PENDING, Step.SELF_ASSESSED):
            raise _refuse(_("No decision before the advisory body's proposal."), "proposal_missing")
        if grading.step == Step.DECIDED:
            raise _refuse(_("The grade has been decided."), "decided")
        if grading.kind == SubjectKind.INDIVIDUAL:
            collective = Grading.objects.filter(
                year=grading.year, unit=grading.unit, kind=SubjectKind.COLLECTIVE
            ).first()
            if collective is not None and collective.step != Step.DECIDED:
                raise _refuse(
                    _("Decide the grade of %(unit)s before the grades of its leaders.")
                    % {"unit": collective.name},
                    "collective_first",
                )
        return _record_step(grading, actor, Step.DECIDED, "decided", text, (grade, general, tasks))


def _audit(
    actor: User | None,
    grading: Grading,
    action: str,
    code: str,
    general: Decimal | None,
    tasks: Decimal | None,
) -> None:
    data: dict[str, object] = {"grade": code, "year": grading.year.year}
    if general is not None and tasks is not None:
        data |= {"general": str(general), "tasks": str(tasks), "total": str(general + tasks)}
    record_event(actor=actor, action=action, obj=grading, unit=grading.unit, data=data)
