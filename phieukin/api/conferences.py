"""Admin API of the documents' data: a round's plan and a conference's details (token).

``GET|POST /api/v1/admin/rounds/{round}/plan`` — the plan the round carries out, printed
at the head of every report ("Thực hiện Kế hoạch số … ngày … của …").
``GET|POST /api/v1/admin/conferences/{conference}/details`` — venue, starting time,
chair, secretary and the counting committee present, printed in the counting minutes
with one signature block per member. The web pages call the same services
(``rounds.services.record_round_plan``, ``record_conference_details``), so both agree.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import BeforeValidator, Field

from phieukin.accounts.access import authorize
from phieukin.api.auth import TokenAuth
from phieukin.api.schemas import ErrorOut
from phieukin.rounds import services
from phieukin.rounds.models import Conference, Round
from phieukin.rounds.selectors import visible_conferences, visible_rounds

router = Router(tags=["admin"], auth=TokenAuth())
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    415: ErrorOut,
}


def _iso_date(value: Any) -> Any:
    """Accept a day only as YYYY-MM-DD (pydantic would read a number as a Unix time)."""
    if value is not None and not (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


def _hh_mm(value: Any) -> Any:
    """Accept a time only as HH:MM."""
    if value is not None and not (isinstance(value, str) and re.fullmatch(r"\d{2}:\d{2}", value)):
        raise ValueError("a time is written HH:MM")
    return value


IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]
HourMinute = Annotated[dt.time | None, BeforeValidator(_hh_mm)]


class PlanIn(Schema):
    number: str = Field("", max_length=64)
    date: IsoDate = None
    issuer: str = Field("", max_length=200)


class PlanOut(Schema):
    round: int
    number: str
    date: dt.date | None
    issuer: str
    reference: str


class DetailsIn(Schema):
    place: str = Field("", max_length=200)
    starts_at: HourMinute = None
    chair: str = Field("", max_length=128)
    secretary: str = Field("", max_length=128)
    committee: list[Annotated[str, Field(max_length=128)]] = Field(
        default_factory=list, max_length=15
    )


class DetailsOut(Schema):
    conference: int
    ward: str
    held_on: dt.date | None
    place: str
    starts_at: str | None
    chair: str
    secretary: str
    committee: list[str]
    sealed: bool


def _plan(rnd: Round) -> dict[str, Any]:
    return {
        "round": rnd.pk,
        "number": rnd.plan_number,
        "date": rnd.plan_date,
        "issuer": rnd.plan_issuer,
        "reference": rnd.plan_reference,
    }


def _details(conf: Conference) -> dict[str, Any]:
    return {
        "conference": conf.pk,
        "ward": conf.unit.full_name or conf.unit.name,
        "held_on": conf.held_on,
        "place": conf.place,
        "starts_at": conf.starts_at.strftime("%H:%M") if conf.starts_at else None,
        "chair": conf.chair,
        "secretary": conf.secretary,
        "committee": list(conf.committee or []),
        "sealed": conf.box.state == "sealed",
    }


def _round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(visible_rounds(request.auth), pk=pk)  # type: ignore[attr-defined]


def _conference(request: HttpRequest, pk: int) -> Conference:
    return get_object_or_404(
        visible_conferences(request.auth),  # type: ignore[attr-defined]
        pk=pk,
    )


@router.get("/rounds/{round}/plan", response={200: PlanOut, **ERRORS})
def round_plan(request: HttpRequest, round: int) -> Any:
    """Return the plan the round carries out (round readers)."""
    rnd = _round(request, round)
    authorize(request.auth, "round.view", rnd)  # type: ignore[attr-defined]
    return _plan(rnd)


@router.post("/rounds/{round}/plan", response={200: PlanOut, **ERRORS})
def record_round_plan(request: HttpRequest, round: int, payload: PlanIn) -> Any:
    """Record the plan the round carries out: number and symbol, date, issuer.

    The round's organiser only (403 otherwise); a number needs a date (400 ``plan_date``).
    """
    rnd = services.record_round_plan(
        actor=request.auth,  # type: ignore[attr-defined]
        round=_round(request, round),
        number=payload.number,
        day=payload.date,
        issuer=payload.issuer,
    )
    return _plan(rnd)


@router.get("/conferences/{conference}/details", response={200: DetailsOut, **ERRORS})
def conference_details(request: HttpRequest, conference: int) -> Any:
    """Return the conference details the counting minutes print."""
    return _details(_conference(request, conference))


@router.post("/conferences/{conference}/details", response={200: DetailsOut, **ERRORS})
def record_conference_details(request: HttpRequest, conference: int, payload: DetailsIn) -> Any:
    """Record venue, starting time (HH:MM), chair, secretary and committee present.

    ``committee`` lists full names, the head of the counting committee first. The
    conference's organisers and counting committee may; 409 ``details_frozen`` once
    the box is sealed.
    """
    conf = services.record_conference_details(
        actor=request.auth,  # type: ignore[attr-defined]
        conference=_conference(request, conference),
        place=payload.place,
        starts_at=payload.starts_at,
        chair=payload.chair,
        secretary=payload.secretary,
        committee=payload.committee,
    )
    return _details(Conference.objects.select_related("unit", "box").get(pk=conf.pk))
