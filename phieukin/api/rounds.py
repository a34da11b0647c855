"""Admin API of rounds: edit or delete a draft, drop a ward before its box opened; read
how the scan reader fared against the paper in the round's wards (``paper.view_checks``).

The same services as the round pages decide (``rounds.services``), under the same rules
(``round.edit``, ``round.delete``, ``round.remove_ward``); a round the token's user does
not see answers 404. Mounted in :mod:`phieukin.api.api`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import User
from phieukin.api.auth import TokenAuth
from phieukin.api.schemas import ErrorOut
from phieukin.core.errors import DomainError
from phieukin.paper.selectors import reader_check_report
from phieukin.rounds import services
from phieukin.rounds.models import Round
from phieukin.rounds.selectors import visible_rounds

router = Router(tags=["admin"], auth=TokenAuth())
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    415: ErrorOut,
}


class RoundEditIn(Schema):
    title: str | None = Field(None, min_length=1, max_length=120)
    year: int | None = Field(None, ge=2000, le=2100)
    number: int | None = Field(None, ge=1, le=12)
    k_threshold: int | None = Field(None, ge=3, le=100)
    k_comments: int | None = Field(None, ge=3, le=100)
    flag_low_share: Decimal | None = Field(None, ge=0, le=1)
    flag_mean_below: Decimal | None = Field(None, ge=0, le=10)
    target_participation: Decimal | None = Field(None, ge=0, le=1)


class RemoveWardIn(Schema):
    reason: str = Field("", max_length=300)


class RoundOut(Schema):
    id: int
    title: str
    year: int
    number: int
    state: str
    k_threshold: int
    k_comments: int
    wards: list[str]


class DeletedOut(Schema):
    status: str


def _actor(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _round(request: HttpRequest, round: int) -> Round:
    return get_object_or_404(visible_rounds(_actor(request)), pk=round)


def _out(rnd: Round) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "title": rnd.title,
        "year": rnd.year,
        "number": rnd.number,
        "state": rnd.state,
        "k_threshold": rnd.k_threshold,
        "k_comments": rnd.k_comments,
        "wards": [
            c.unit.name for c in rnd.conferences.select_related("unit").order_by("unit__sort_key")
        ],
    }


def _forbidden(exc: AccessDenied) -> DomainError:
    return DomainError(_("You may not change this round."), code="forbidden", status=403)


@router.post("/{round}/edit", response={200: RoundOut, **ERRORS})
def edit_round(request: HttpRequest, round: int, payload: RoundEditIn) -> Any:
    """Change a draft round's title, number and rules (409 once it is open)."""
    rnd = _round(request, round)
    changes = payload.dict(exclude_none=True)
    try:
        rnd = services.update_round(actor=_actor(request), round=rnd, **changes)
    except AccessDenied as exc:
        raise _forbidden(exc) from exc
    return _out(rnd)


@router.post("/{round}/delete", response={200: DeletedOut, **ERRORS})
def delete_round(request: HttpRequest, round: int) -> Any:
    """Delete a draft round with its conferences, boxes and leaders (409 once it is open)."""
    rnd = _round(request, round)
    try:
        services.delete_round(actor=_actor(request), round=rnd)
    except AccessDenied as exc:
        raise _forbidden(exc) from exc
    return {"status": "deleted"}


@router.post("/{round}/wards/{unit}/remove", response={200: RoundOut, **ERRORS})
def remove_ward(request: HttpRequest, round: int, unit: int, payload: RemoveWardIn) -> Any:
    """Drop a ward from a draft or open round while its box has never been opened."""
    rnd = _round(request, round)
    conference = get_object_or_404(rnd.conferences.select_related("unit"), unit_id=unit)
    try:
        rnd = services.remove_conference(
            actor=_actor(request), conference=conference, reason=payload.reason
        )
    except AccessDenied as exc:
        raise _forbidden(exc) from exc
    return _out(rnd)


class ReaderCheckOut(Schema):
    ward: str | None = None
    box: int | None = None
    sealed: bool
    scanned: int
    spot_copies: int
    spot_items: int
    spot_differences: int
    spot_copies_differing: int
    reviewed_items: int
    corrected: int


class ReaderChecksOut(Schema):
    round: int
    wards: list[ReaderCheckOut]
    total: ReaderCheckOut | None
    confidence: float
    upper_error_rate: float | None
    one_in: int | None
    boxes_without_scans: int


@router.get("/{round}/reader-checks", response={200: ReaderChecksOut, **ERRORS})
def reader_checks(request: HttpRequest, round: int) -> Any:
    """How the scan reader fared against the paper in the round's wards the token reads.

    Counts only, per box (as sealed once sealed); ``upper_error_rate`` is the one-sided
    95 % upper limit of the reader's error rate per item on sheets it read without doubt.
    """
    rnd = _round(request, round)
    try:
        report = reader_check_report(_actor(request), rnd)
    except AccessDenied as exc:
        raise DomainError(
            _("You may not see the checks of the scan reader in this round."),
            code="forbidden",
            status=403,
        ) from exc
    return report.as_record(rnd.pk)
