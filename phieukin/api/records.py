"""API of the follow-through registry and the leader's record.

``GET /api/v1/admin/people/{person}/record`` (token): the parts of the person's record
the token's user may read, each filtered by its own rule — the same parts the record
page shows. ``GET /api/v1/public/units/{unit}/recognitions``: only what the district
office marked public.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from phieukin.accounts.access import AccessDenied
from phieukin.api.auth import TokenAuth
from phieukin.core.errors import DomainError
from phieukin.recognition.selectors import public_honourees, public_models
from phieukin.records import selectors as record_selectors
from phieukin.records.services import note_report_openings
from phieukin.units.models import Person, Unit

router = Router()


def _not_found() -> DomainError:
    return DomainError(_("Not found."), code="not_found", status=404)


def _get(model: type[Model], pk: int) -> Any:
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise _not_found()
    return row


class ErrorOut(Schema):
    detail: str
    code: str


class TableOut(Schema):
    caption: str
    columns: list[str]
    rows: list[list[str]]


class PartOut(Schema):
    key: str = Field(
        ...,
        description=(
            "feedback, remediation, cultivation, selfcheck, criteria, grading or recognitions"
        ),
    )
    title: str
    note: str
    tables: list[TableOut]


class PositionOut(Schema):
    title: str
    period: str


class RecordOut(Schema):
    person: int
    name: str
    positions: list[PositionOut]
    parts: list[PartOut]


class HonoureeOut(Schema):
    full_name: str
    unit: str
    level: str
    level_label: str
    year: int
    deed: str
    decision_number: str
    decision_date: str = Field(..., description="dd/mm/yyyy")


class ModelOut(Schema):
    name: str
    unit: str
    year: int
    field: str
    field_label: str
    description: str
    results: str
    status: str


class RecognitionsOut(Schema):
    unit: int
    unit_name: str
    honourees: list[HonoureeOut]
    models: list[ModelOut]


@router.get(
    "/admin/people/{person}/record",
    response={200: RecordOut, 401: ErrorOut, 404: ErrorOut},
    auth=TokenAuth(),
    tags=["follow-through"],
)
def person_record(request: HttpRequest, person: int) -> Any:
    """Return the person's record as the token's user may read it (404 when not at all)."""
    user = request.auth  # type: ignore[attr-defined]
    target = _get(Person, person)
    try:
        record = record_selectors.record_for(user, target)
    except AccessDenied as exc:
        raise _not_found() from exc
    if any(p.key == "feedback" for p in record.parts):
        note_report_openings(actor=user, person=target)
    return {
        "person": target.pk,
        "name": target.full_name,
        "positions": [{"title": t, "period": p} for t, p in record.subject.positions],
        "parts": [
            {
                "key": part.key,
                "title": part.title,
                "note": part.note,
                "tables": [
                    {
                        "caption": t.caption,
                        "columns": list(t.columns),
                        "rows": [list(r) for r in t.rows],
                    }
                    for t in part.tables
                ],
            }
            for part in record.parts
        ],
    }


@router.get(
    "/public/units/{unit}/recognitions",
    response={200: RecognitionsOut, 404: ErrorOut},
    tags=["public"],
)
def unit_recognitions(request: HttpRequest, unit: int) -> Any:
    """Return the honourees and models of the unit (and below) the office marked public."""
    target = _get(Unit, unit)
    return {
        "unit": target.pk,
        "unit_name": str(target),
        "honourees": [
            {
                "full_name": h.full_name,
                "unit": str(h.unit),
                "level": h.level,
                "level_label": h.get_level_display(),
                "year": h.year,
                "deed": h.deed,
                "decision_number": h.decision_number,
                "decision_date": h.decision_date.strftime("%d/%m/%Y"),
            }
            for h in public_honourees(target).order_by("-year", "sort_key")
        ],
        "models": [
            {
                "name": m.name,
                "unit": str(m.unit),
                "year": m.year,
                "field": m.field,
                "field_label": m.get_field_display(),
                "description": m.description,
                "results": m.results,
                "status": m.get_status_display(),
            }
            for m in public_models(target).order_by("-year", "name")
        ],
    }
