"""Admin API of the map: the units of any date and what each new unit succeeds (token, scoped)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import BeforeValidator

from phieukin.accounts.access import authorize
from phieukin.api.auth import TokenAuth
from phieukin.units import lineage
from phieukin.units.selectors import units_for


def _iso_date(value: Any) -> Any:
    """Accept a day only as YYYY-MM-DD (pydantic would read a number as a Unix time)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

router = Router(tags=["admin"], auth=TokenAuth())


class PredecessorOut(Schema):
    unit: int
    code: str
    name: str
    label: str
    whole: bool
    population_share: float | None
    staff_share: float | None
    effective: dt.date
    verified: bool


class UnitOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    full_name: str
    parent: int | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    predecessors: list[PredecessorOut]


@router.get("", response={200: list[UnitOut], 403: dict[str, Any]})
def units_on(request: HttpRequest, on: IsoDate | None = None) -> Any:
    """List the units the token's user sees that existed on *on* (today by default).

    ``parent`` is the parent on that date; ``predecessors`` the old units each unit was
    formed from in the reorganisations recorded, with the label the reports print.
    """
    user = request.user
    authorize(user, "unit.view")
    day = on or timezone.localdate()
    units = lineage.units_on(day, units_for(user)).prefetch_related("moves__reorganisation")
    return [
        {
            "id": u.pk,
            "code": u.code,
            "kind": u.kind,
            "name": u.name,
            "full_name": u.full_name,
            "parent": u.parent_id_on(day),
            "valid_from": u.valid_from,
            "valid_until": u.valid_until,
            "predecessors": [
                {
                    "unit": p.unit.pk,
                    "code": p.unit.code,
                    "name": p.unit.full_name,
                    "label": p.label,
                    "whole": p.whole,
                    "population_share": p.population_share,
                    "staff_share": p.staff_share,
                    "effective": p.effective,
                    "verified": p.verified,
                }
                for p in lineage.predecessors(u)
                if p.depth == 1
            ],
        }
        for u in units
    ]
