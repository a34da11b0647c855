"""The HTTP API under /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

Public: the ballot definition of a box, casting a ballot, and for sealed boxes the
bulletin, the tally and the anonymised ballots. Admin (bearer token): codes, box
lifecycle, attendance, paper counts, status and verification.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from phieukin.accounts.models import User
from phieukin.api import followthrough_grading
from phieukin.api.auth import TokenAuth
from phieukin.api.schemas import (
    AttendanceIn,
    BallotIn,
    CodesIn,
    CodesOut,
    ErrorOut,
    PaperIn,
    ReceiptsOut,
    SealIn,
    SealOut,
    StatusOut,
    VerifyOut,
    VoidIn,
    VoidOut,
)
from phieukin.ballots import ratelimit, selectors, services
from phieukin.core.errors import DomainError
from phieukin.rounds.models import BallotBox, RespondentGroup
from phieukin.rounds.services import record_attendance
from phieukin.tallying.selectors import box_tally_document

api = NinjaAPI(
    title="phieukin",
    version="1",
    urls_namespace="api",
    description="Secret-ballot feedback on ward leaders: voting, bulletin, re-tally, admin.",
)
api.add_router("/admin", followthrough_grading.router)
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}


def _error(request: HttpRequest, message: str, code: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message, "code": code}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, str(exc.message), exc.code, exc.status)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(
        request,
        _("The request is malformed: expected JSON with the documented fields."),
        "malformed",
        400,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, _("A valid API token is required."), "unauthorized", 401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # the body could not be parsed as JSON
        return _validation_error(request, ValidationError([]))
    return _error(request, str(exc), "http_error", exc.status_code)


def _actor(request: HttpRequest) -> User:
    """Return the user authenticated by the bearer token."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _box(box: int) -> BallotBox:
    return get_object_or_404(
        BallotBox.objects.select_related(
            "conference",
            "conference__round",
            "conference__round__questionnaire",
            "conference__unit",
        ),
        pk=box,
    )


# --- Public ----------------------------------------------------------------------------


@api.get("/boxes/{box}", response={200: dict[str, Any], 404: ErrorOut}, tags=["public"])
def box_definition(request: HttpRequest, box: int) -> Any:
    """Return the ballot definition of a box: round, rules, leaders, items, options."""
    return selectors.box_definition(_box(box))


@api.post("/ballots", response={201: ReceiptsOut, **ERRORS}, tags=["public"])
def cast(request: HttpRequest, payload: BallotIn) -> Any:
    """Cast a ballot with a one-time code: one sheet per leader; returns receipts.

    409 when the code was already used (also under concurrent double submission).
    """
    if ratelimit.is_limited(request):
        raise DomainError(
            _("Too many wrong codes. Please wait a few minutes and try again."),
            code="rate_limited",
            status=429,
        )
    sheets: list[services.SheetInput] = []
    for sheet in payload.sheets:
        try:
            subject_id = int(sheet.subject)
        except ValueError:
            raise DomainError(_("Unknown leader on the ballot."), code="unknown_subject") from None
        sheets.append(services.SheetInput(subject_id, dict(sheet.answers), sheet.comment))
    try:
        receipts = services.cast_ballot(code=payload.code, sheets=sheets)
    except DomainError as exc:
        if exc.code in ("code_format", "code_unknown"):
            ratelimit.record_failure(request)
        raise
    return Status(201, {"receipts": receipts})


@api.get("/boxes/{box}/bulletin", response={200: dict[str, Any], **ERRORS}, tags=["public"])
def bulletin(request: HttpRequest, box: int) -> Any:
    """Return the public bulletin of a sealed box: digest, counts, receipts."""
    return selectors.bulletin(_box(box))


@api.get("/boxes/{box}/ballots.csv", response={200: str, **ERRORS}, tags=["public"])
def ballots_csv(request: HttpRequest, box: int) -> Any:
    """Return the anonymised ballots of a sealed box with at least k valid ballots (CSV)."""
    body = selectors.ballots_csv(_box(box))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="box-{box}-ballots.csv"'
    return response


@api.get("/boxes/{box}/tally", response={200: dict[str, Any], **ERRORS}, tags=["public"])
def tally(request: HttpRequest, box: int) -> Any:
    """Return per leader × item counts of a sealed box; no figure for fewer than k ballots."""
    return box_tally_document(_box(box), include_comments=False)


# --- Admin -----------------------------------------------------------------------------

admin_auth = TokenAuth()


@api.post(
    "/admin/boxes/{box}/codes",
    response={201: CodesOut, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def create_codes(request: HttpRequest, box: int, payload: CodesIn) -> Any:
    """Create one-time codes; the plain codes are returned once and never stored."""
    target = _box(box)
    group = None
    if payload.group:
        group = RespondentGroup.objects.filter(
            round_id=target.conference.round_id, key=payload.group
        ).first()
        if group is None:
            raise DomainError(_("The group is not part of this round."), code="bad_group")
    codes = services.generate_codes(
        actor=_actor(request), box=target, count=payload.count, group=group
    )
    return Status(201, {"box": target.pk, "codes": codes})


@api.post(
    "/admin/boxes/{box}/codes/void",
    response={200: VoidOut, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def void_codes(request: HttpRequest, box: int, payload: VoidIn) -> Any:
    """Void unused codes (lost or spoiled slips)."""
    return {
        "voided": services.void_codes(actor=_actor(request), box=_box(box), codes=payload.codes)
    }


def _status(box: BallotBox) -> dict[str, Any]:
    counts = services.box_counts(box)
    return {
        "box": box.pk,
        "state": box.state,
        "counts": counts.as_record(),
        "mismatches": [str(m) for m in counts.mismatches()],
    }


@api.get("/admin/boxes/{box}", response={200: StatusOut, **ERRORS}, auth=admin_auth, tags=["admin"])
def box_status(request: HttpRequest, box: int) -> Any:
    """Return the state, counts and reconciliation problems of a box."""
    target = _box(box)
    if not selectors.boxes_for(_actor(request)).filter(pk=target.pk).exists():
        raise DomainError(_("You may not manage this ballot box."), code="forbidden", status=403)
    return _status(target)


@api.post(
    "/admin/boxes/{box}/open", response={200: StatusOut, **ERRORS}, auth=admin_auth, tags=["admin"]
)
def open_box(request: HttpRequest, box: int) -> Any:
    """Open an empty box (fixes the round's anonymity rules)."""
    return _status(services.open_box(actor=_actor(request), box=_box(box)))


@api.post(
    "/admin/boxes/{box}/close", response={200: StatusOut, **ERRORS}, auth=admin_auth, tags=["admin"]
)
def close_box(request: HttpRequest, box: int) -> Any:
    """Close the box: online voting ends."""
    return _status(services.close_box(actor=_actor(request), box=_box(box)))


@api.post(
    "/admin/boxes/{box}/seal", response={200: SealOut, **ERRORS}, auth=admin_auth, tags=["admin"]
)
def seal_box(request: HttpRequest, box: int, payload: SealIn) -> Any:
    """Seal a closed box (409 with the problems when the counts do not reconcile)."""
    seal = services.seal_box(
        actor=_actor(request), box=_box(box), acknowledge_mismatch=payload.acknowledge_mismatch
    )
    return {"box": box, "digest": seal.digest, "counts": seal.counts}


@api.get(
    "/admin/boxes/{box}/verify",
    response={200: VerifyOut, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def verify_box(request: HttpRequest, box: int) -> Any:
    """Recompute a sealed box and report any difference."""
    target = _box(box)
    if not selectors.boxes_for(_actor(request)).filter(pk=target.pk).exists():
        raise DomainError(_("You may not manage this ballot box."), code="forbidden", status=403)
    report = services.verify_box(box=target)
    return {
        "box": box,
        "ok": report.ok,
        "problems": [str(p) for p in report.problems],
        "digest": report.digest,
    }


@api.post(
    "/admin/boxes/{box}/attendance",
    response={200: StatusOut, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def attendance(request: HttpRequest, box: int, payload: AttendanceIn) -> Any:
    """Record how many were invited and present at the conference.

    The same service as the conference page decides: the ward organiser or the district
    organiser, and only until the box is closed for counting (409 afterwards).
    """
    target = _box(box)
    if not selectors.boxes_for(_actor(request)).filter(pk=target.pk).exists():
        raise DomainError(_("You may not manage this ballot box."), code="forbidden", status=403)
    record_attendance(
        actor=_actor(request),
        conference=target.conference,
        invited=payload.invited,
        present=payload.present,
    )
    return _status(_box(box))


@api.post(
    "/admin/boxes/{box}/paper", response={200: StatusOut, **ERRORS}, auth=admin_auth, tags=["admin"]
)
def paper_counts(request: HttpRequest, box: int, payload: PaperIn) -> Any:
    """Record the paper ballots issued and returned."""
    return _status(
        services.record_paper_counts(
            actor=_actor(request), box=_box(box), issued=payload.issued, returned=payload.returned
        )
    )
