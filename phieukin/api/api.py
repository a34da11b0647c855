"""The HTTP API under /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

Public: the ballot definition of a box, casting a ballot, and for sealed boxes the
bulletin, the tally and the anonymised ballots. Admin (bearer token): codes, box
lifecycle, attendance, paper counts, status and verification.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from phieukin.accounts.models import User
from phieukin.api import followthrough_grading
from phieukin.api.auth import TokenAuth
from phieukin.api.followup import router as followup_router
from phieukin.api.schemas import (
    MAX_ID,
    AttendanceIn,
    BallotIn,
    CodesIn,
    CodesOut,
    ErrorOut,
    OpenIn,
    OpenOut,
    PaperIn,
    ProposalOut,
    ReceiptsOut,
    SealIn,
    SealOut,
    StatusOut,
    VerifyOut,
    VoidIn,
    VoidOut,
)
from phieukin.ballots import documents, ratelimit, selectors, services
from phieukin.ballots.models import Seal
from phieukin.core.csp import CSP_HEADER, DATA_POLICY
from phieukin.core.errors import DomainError
from phieukin.rounds import services as rounds_services
from phieukin.rounds.models import AttendanceProposal, BallotBox, RespondentGroup
from phieukin.rounds.services import record_attendance
from phieukin.tallying.selectors import box_tally_document


class UnsupportedMediaType(DomainError):
    """The body is not JSON (``Content-Type: application/json``)."""

    status = 415


def _has_lone_surrogate(value: Any) -> bool:
    """Return True when a string anywhere in *value* holds half a UTF-16 surrogate pair."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


# A JSON escape of a surrogate code unit (\uD800-\uDFFF), in any letter case.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class JsonOnlyParser(Parser):
    """Parse request bodies only when they are declared as JSON.

    JSON's ``\\u`` escapes can spell half of a UTF-16 surrogate pair, which Python decodes
    to a string that no encoding can write (not to the database, not into a sealed sheet).
    Such a body is refused as malformed; a whole pair is one character and is kept.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        kind = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if kind == "multipart/form-data" and not request.POST and not request.FILES:
            return {}  # an empty form (a bodiless POST from a test client or a plain form)
        if kind != "application/json" and not kind.endswith("+json"):
            raise UnsupportedMediaType(
                _("Send the body as JSON (Content-Type: application/json)."),
                code="unsupported_media_type",
            )
        data = super().parse_body(request)
        if _SURROGATE_ESCAPE.search(request.body) and _has_lone_surrogate(data):
            raise DomainError(
                _("The request is malformed: expected JSON with the documented fields."),
                code="malformed",
            )
        return data


class DocumentedAPI(NinjaAPI):
    """The API whose document lists the error statuses every route can answer.

    Its JSON answers are data, never a document: each carries the fixed policy that lets
    nothing load or frame it, instead of the site pages' (see ``core.csp``). Files it
    sends (CSV, PDF, DOCX) keep the site's.
    """

    def create_response(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().create_response(*args, **kwargs)
        response[CSP_HEADER] = DATA_POLICY
        return response

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        error = {
            "description": "Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                needed = {"400", "404"}
                if method in {"post", "put", "patch"}:
                    needed.add("415")
                if operation.get("security"):
                    needed |= {"401", "403"}
                for status in sorted(needed):
                    operation.setdefault("responses", {}).setdefault(status, error)
        return schema


api = DocumentedAPI(
    title="phieukin",
    version="1",
    urls_namespace="api",
    description=(
        "Secret-ballot feedback on ward leaders: voting, bulletin, re-tally, admin. "
        'Every error answers `{"detail": "<Vietnamese message>", "code": "<stable name>"}`.'
    ),
    parser=JsonOnlyParser(),
)
# Every route may answer 400 (a malformed parameter or body), 404 (no such object) and
# 415 (a body that is not JSON); the groups below add what their routes can answer.
_E = ErrorOut
PUBLIC_ERRORS: dict[int, Any] = {400: _E, 404: _E, 409: _E, 415: _E}
CAST_ERRORS: dict[int, Any] = {**PUBLIC_ERRORS, 429: _E}
ERRORS: dict[int, Any] = {400: _E, 401: _E, 403: _E, 404: _E, 409: _E, 415: _E}
api.add_router("/admin", followthrough_grading.router)


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
    if isinstance(exc.__cause__, DomainError):  # raised while parsing the body
        return _domain_error(request, exc.__cause__)
    if exc.status_code == 400:  # the body could not be parsed as JSON
        return _validation_error(request, ValidationError([]))
    return _error(request, str(exc), "http_error", exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, _("Not found."), "not_found", 404)


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


@api.get("/boxes/{box}", response={200: dict[str, Any], 400: _E, 404: _E}, tags=["public"])
def box_definition(request: HttpRequest, box: int) -> Any:
    """Return the ballot definition of a box: round, rules, leaders, items, options."""
    return selectors.box_definition(_box(box))


@api.post("/ballots", response={201: ReceiptsOut, **CAST_ERRORS}, tags=["public"])
def cast(request: HttpRequest, payload: BallotIn) -> Any:
    """Cast a ballot with a one-time code: one sheet per leader; returns receipts.

    409 when the code was already used (also under concurrent double submission). A
    client that sent many wrong codes gets its next wrong answers more slowly; a valid
    code is never refused nor delayed.
    """
    sheets: list[services.SheetInput] = []
    for sheet in payload.sheets:
        try:
            subject_id = int(sheet.subject)
            if not 1 <= subject_id <= MAX_ID:
                raise ValueError(subject_id)
        except ValueError:
            raise DomainError(_("Unknown leader on the ballot."), code="unknown_subject") from None
        sheets.append(services.SheetInput(subject_id, dict(sheet.answers), sheet.comment))
    try:
        receipts = services.cast_ballot(code=payload.code, sheets=sheets)
    except DomainError as exc:
        if exc.code in ("code_format", "code_unknown"):
            ratelimit.failed(request)
        raise
    # The answer is built here, not by the schema: on the hot path of voting, validating
    # a list of strings we made ourselves cost more than encoding it (ReceiptsOut still
    # documents it; test_api holds the answer to it).
    response = JsonResponse({"receipts": receipts}, status=201)
    response[CSP_HEADER] = DATA_POLICY
    return response


@api.get("/boxes/{box}/bulletin", response={200: dict[str, Any], **PUBLIC_ERRORS}, tags=["public"])
def bulletin(request: HttpRequest, box: int) -> Any:
    """Return the public bulletin of a sealed box: digest, counts, receipts."""
    return selectors.bulletin(_box(box))


@api.get("/boxes/{box}/ballots.csv", response={200: str, **PUBLIC_ERRORS}, tags=["public"])
def ballots_csv(request: HttpRequest, box: int) -> Any:
    """Return the anonymised ballots of a sealed box with at least k valid ballots (CSV)."""
    body = selectors.ballots_csv(_box(box))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="box-{box}-ballots.csv"'
    return response


@api.get("/boxes/{box}/tally", response={200: dict[str, Any], **PUBLIC_ERRORS}, tags=["public"])
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
    "/admin/boxes/{box}/open",
    response={200: OpenOut, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": OpenIn.model_json_schema()}},
        }
    },
)
def open_box(request: HttpRequest, box: int) -> Any:
    """Open an empty box: returns its key shares once (they are never kept).

    The optional JSON body ``{"threshold": 2, "members": 3, "recovery": true}`` chooses
    how many shares seal the box; without a body the defaults apply.
    """
    try:
        options = (
            OpenIn.model_validate_json(request.body)
            if request.content_type == "application/json" and request.body.strip()
            else OpenIn(threshold=2, members=3, recovery=True)
        )
    except ValueError as exc:
        raise DomainError(
            _("Choose between 1 and %(max)s committee shares, and at most that many to seal.")
            % {"max": 10},
            code="bad_threshold",
            status=400,
        ) from exc
    opening = services.open_box(
        actor=_actor(request),
        box=_box(box),
        threshold=options.threshold,
        members=options.members,
        recovery=options.recovery,
    )
    return {
        **_status(opening.box),
        "threshold": opening.threshold,
        "members": opening.members,
        "recovery": opening.recovery,
        "fingerprint": opening.fingerprint,
        "shares": opening.shares,
    }


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
        actor=_actor(request),
        box=_box(box),
        shares=payload.shares or None,
        acknowledge_mismatch=payload.acknowledge_mismatch,
    )
    return {
        "box": box,
        "digest": seal.digest,
        "counts": seal.counts,
        "scrubbed": seal.scrubbed_at is not None,
    }


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


def _minutes_seal(request: HttpRequest, box: int) -> Seal:
    """Return the seal of a box the token's user manages (403), once sealed (409)."""
    target = _box(box)
    if not selectors.boxes_for(_actor(request)).filter(pk=target.pk).exists():
        raise DomainError(_("You may not manage this ballot box."), code="forbidden", status=403)
    seal = Seal.objects.filter(box=target).select_related("box").first()
    if seal is None:
        raise DomainError(_("The ballot box is not sealed yet."), code="not_sealed", status=409)
    return seal


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@api.get(
    "/admin/boxes/{box}/minutes.pdf",
    response={200: str, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def minutes_pdf(request: HttpRequest, box: int) -> Any:
    """Return the counting minutes of a sealed box as a PDF (HD 36 form; 409 before sealing)."""
    seal = _minutes_seal(request, box)
    return _download(
        documents.counting_minutes_pdf(seal),
        "application/pdf",
        f"bien-ban-kiem-phieu-hom-{box}.pdf",
    )


@api.get(
    "/admin/boxes/{box}/minutes.docx",
    response={200: str, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def minutes_docx(request: HttpRequest, box: int) -> Any:
    """Return the counting minutes of a sealed box as an editable DOCX, same content as the PDF."""
    seal = _minutes_seal(request, box)
    return _download(
        documents.counting_minutes_docx(seal),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"bien-ban-kiem-phieu-hom-{box}.docx",
    )


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


def _proposal_out(box: BallotBox, proposal: AttendanceProposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "box": box.pk,
        "invited": proposal.invited,
        "present": proposal.present,
        "state": proposal.state,
        "proposed_by": str(proposal.proposed_by),
        "proposed_at": proposal.proposed_at.isoformat(),
        "confirmed_by": str(proposal.confirmed_by) if proposal.confirmed_by else None,
    }


def _managed_box(request: HttpRequest, box: int) -> BallotBox:
    target = _box(box)
    if not selectors.boxes_for(_actor(request)).filter(pk=target.pk).exists():
        raise DomainError(_("You may not manage this ballot box."), code="forbidden", status=403)
    return target


@api.get(
    "/admin/boxes/{box}/attendance/proposals",
    response={200: list[ProposalOut], **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def attendance_proposals(request: HttpRequest, box: int) -> Any:
    """List the attendance changes proposed since the box opened (newest first)."""
    target = _managed_box(request, box)
    return [
        _proposal_out(target, p)
        for p in AttendanceProposal.objects.filter(
            conference_id=target.conference_id
        ).select_related("proposed_by", "confirmed_by")
    ]


@api.post(
    "/admin/boxes/{box}/attendance/proposals",
    response={201: ProposalOut, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def propose_attendance(request: HttpRequest, box: int, payload: AttendanceIn) -> Any:
    """Propose an attendance change of an open box (four eyes): the figures change only
    when another member confirms it; the same service as the box page decides."""
    target = _managed_box(request, box)
    proposal = rounds_services.propose_attendance(
        actor=_actor(request),
        conference=target.conference,
        invited=payload.invited,
        present=payload.present,
    )
    return Status(201, _proposal_out(target, proposal))


@api.post(
    "/admin/boxes/{box}/attendance/proposals/{proposal}/confirm",
    response={200: StatusOut, **ERRORS},
    auth=admin_auth,
    tags=["admin"],
)
def confirm_attendance(request: HttpRequest, box: int, proposal: int) -> Any:
    """Confirm another member's attendance proposal; the proposer's own confirmation, a
    pair without a counter, or a box closed for counting or sealed is refused."""
    target = _managed_box(request, box)
    found = get_object_or_404(
        AttendanceProposal.objects.select_related("conference__box", "proposed_by"),
        pk=proposal,
        conference_id=target.conference_id,
    )
    rounds_services.confirm_attendance(actor=_actor(request), proposal=found)
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


# Follow-through: posted plans and citizen feedback (public), remediation status (admin).
api.add_router("/", followup_router)
api.add_router("", "phieukin.api.records.router")  # follow-through: records, recognitions
api.add_router("/admin/units", "phieukin.api.units.router")  # the map of any date
api.add_router("/admin", "phieukin.api.conferences.router")  # plan of a round, minutes' details
api.add_router("/admin/rounds", "phieukin.api.rounds.router")  # edit, delete, drop a ward
api.add_router("/admin", "phieukin.api.committee.router")  # counting-committee accounts
