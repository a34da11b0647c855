"""Writes of the recognition registry: record honourees and models, mark them public."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import DomainError
from phieukin.recognition.models import (
    EmulationModel,
    FieldOfWork,
    Honouree,
    Level,
    ModelStatus,
)

if TYPE_CHECKING:
    from phieukin.accounts.models import User
    from phieukin.units.models import Person, Unit


def _check_year(year: int) -> None:
    if not 1945 <= year <= 2100:
        raise DomainError(_("The year must be between 1945 and 2100."), code="bad_year")


def record_honouree(
    *,
    actor: User | None,
    full_name: str,
    unit: Unit,
    level: str,
    year: int,
    deed: str,
    decision_number: str,
    decision_date: dt.date,
    person: Person | None = None,
    public: bool = False,
) -> Honouree:
    """Record a "Người tốt, việc tốt" honouree; only the district office may make it public."""
    authorize(actor, "recognition.record", unit)
    if public:
        authorize(actor, "recognition.publish", unit)
    _check_year(year)
    if level not in Level.values:
        raise DomainError(_("Unknown level."), code="bad_level")
    if not full_name.strip() or not deed.strip() or not decision_number.strip():
        raise DomainError(
            _("The name, the deed and the decision number are required."), code="missing"
        )
    with transaction.atomic():
        honouree = Honouree.objects.create(
            full_name=full_name.strip(),
            person=person,
            unit=unit,
            level=level,
            year=year,
            deed=deed.strip(),
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            public=public,
        )
        record_event(
            actor=actor,
            action="recognition.honouree",
            obj=honouree,
            unit=unit,
            data={"level": level, "year": year, "decision": decision_number, "public": public},
        )
    return honouree


def record_model(
    *,
    actor: User | None,
    name: str,
    unit: Unit,
    year: int,
    field: str,
    description: str,
    results: str = "",
    status: str = ModelStatus.RECOGNISED,
    public: bool = False,
) -> EmulationModel:
    """Record an emulation model (mô hình) of a unit for a year."""
    authorize(actor, "recognition.record", unit)
    if public:
        authorize(actor, "recognition.publish", unit)
    _check_year(year)
    if field not in FieldOfWork.values or status not in ModelStatus.values:
        raise DomainError(_("Unknown field or status."), code="bad_choice")
    if not name.strip() or not description.strip():
        raise DomainError(_("The name and the description are required."), code="missing")
    with transaction.atomic():
        model = EmulationModel.objects.create(
            name=name.strip(),
            unit=unit,
            year=year,
            field=field,
            description=description.strip(),
            results=results.strip(),
            status=status,
            public=public,
        )
        record_event(
            actor=actor,
            action="recognition.model",
            obj=model,
            unit=unit,
            data={"year": year, "field": field, "status": status, "public": public},
        )
    return model


def set_model_status(*, actor: User | None, model: EmulationModel, status: str) -> EmulationModel:
    """Change a model's status (recognised, replicated, discontinued …)."""
    authorize(actor, "recognition.record", model)
    if status not in ModelStatus.values:
        raise DomainError(_("Unknown field or status."), code="bad_choice")
    with transaction.atomic():
        locked = EmulationModel.objects.select_for_update().get(pk=model.pk)
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        record_event(
            actor=actor,
            action="recognition.model_status",
            obj=locked,
            unit=locked.unit,
            data={"from": before, "to": status},
        )
    return locked


def set_public(*, actor: User | None, entry: Any, public: bool) -> Any:
    """Show an honouree or a model on the public site, or withdraw it (the office only)."""
    authorize(actor, "recognition.publish", entry)
    with transaction.atomic():
        locked = type(entry).objects.select_for_update().get(pk=entry.pk)
        if locked.public != public:
            locked.public = public
            locked.save(update_fields=["public"])
            record_event(
                actor=actor,
                action="recognition.publish" if public else "recognition.withdraw",
                obj=locked,
                unit=locked.unit,
            )
    return locked
