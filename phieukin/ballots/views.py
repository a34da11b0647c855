"""Committee and organiser pages of a ballot box.

Generate and print codes, open and close the box, live counts (never content), paper
counts, the reconciliation check, sealing with acknowledgement, the minutes and the zero
report, the signed-minutes upload and verification. Every page is scoped through
:mod:`phieukin.accounts.scoping`; every change is one service call.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from phieukin.accounts.access import can
from phieukin.accounts.models import Membership
from phieukin.accounts.permissions import is_back_office
from phieukin.ballots import documents, ratelimit, selectors, services
from phieukin.ballots.models import BoxKey, Seal
from phieukin.core.access import acting_user, require
from phieukin.core.confirm import confirmed
from phieukin.core.errors import DomainError, PermissionDenied
from phieukin.core.uploads import UploadRefused, upload_limit
from phieukin.rounds import services as rounds_services
from phieukin.rounds.models import AttendanceProposal, BallotBox, RespondentGroup
from phieukin.rounds.services import record_attendance


def _box(request: HttpRequest, box_id: int) -> BallotBox:
    return get_object_or_404(selectors.boxes_for(acting_user(request)), pk=box_id)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require(is_back_office)
def box_list(request: HttpRequest) -> HttpResponse:
    """List the ballot boxes the user manages."""
    return render(request, "ballots/box_list.html", {"boxes": selectors.boxes_for(request.user)})


@require(is_back_office)
def box_detail(request: HttpRequest, box_id: int) -> HttpResponse:
    """Show a box: state, counts, reconciliation and the actions its state allows."""
    return _box_page(request, _box(request, box_id))


def _box_page(
    request: HttpRequest, box: BallotBox, *, status: int = 200, signed_error: str = ""
) -> HttpResponse:
    """Render the box page, with a refused upload's message and status when there is one."""
    counts = services.box_counts(box)
    seal = Seal.objects.filter(box=box).first()
    key = BoxKey.objects.filter(box=box).first()
    failures = ratelimit.box_failures(box.pk)
    return render(
        request,
        "ballots/box_detail.html",
        {
            "box": box,
            "counts": counts,
            "mismatches": counts.mismatches(),
            "seal": seal,
            "groups": RespondentGroup.objects.filter(round_id=box.conference.round_id),
            "subjects": box.conference.subjects.all(),
            "verify": request.session.pop(f"verify-{box.pk}", None),
            "key": key,
            "share_fields": range(1, (key.threshold if key else 0) + 1),
            "figures": selectors.figure_entries(box),
            "proposal": selectors.pending_attendance(box),
            "guessing": failures if ratelimit.guessing_detected(box.pk) else 0,
            "may": _may(request, box),
            "roles_here": set(
                Membership.objects.filter(user=acting_user(request)).values_list("role", flat=True)
            ),
            "signed_error": signed_error,
        },
        status=status,
    )


_BOX_ACTIONS = {
    "open": "box.open",
    "close": "box.close",
    "codes": "box.codes.generate",
    "void": "box.codes.void",
    "attendance": "box.attendance.propose",
    "paper": "box.paper",
    "seal": "box.seal",
}


def _may(request: HttpRequest, box: BallotBox) -> dict[str, bool]:
    """Return which of the box's forms the user may use (the others are not shown)."""
    user = acting_user(request)
    return {name: can(user, action, box) for name, action in _BOX_ACTIONS.items()}


@never_cache
@require(is_back_office)
def live(request: HttpRequest, box_id: int) -> JsonResponse:
    """Return the live counts of a box (counts only, never content)."""
    return JsonResponse(selectors.live_counts(_box(request, box_id)))


def _act(request: HttpRequest, box: BallotBox, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except PermissionDenied as exc:  # the service's refusal: 403, as the API answers
        raise DjangoPermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("ballots:detail", box.pk)


def _unconfirmed(request: HttpRequest, box: BallotBox, action: str) -> HttpResponse | None:
    """Answer a POST of an irreversible step that lacks its confirmation; change nothing.

    The access rule still decides first, so a user who may not act is refused as before.
    """
    if confirmed(request):
        return None
    if not can(acting_user(request), action, box):
        raise DjangoPermissionDenied
    messages.error(
        request,
        _("Nothing was changed: tick the confirmation box next to the button, then try again."),
    )
    return redirect("ballots:detail", box.pk)


def _small_int(value: str, default: int) -> int:
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 3 else default


@never_cache
@require_POST
@require(is_back_office)
def open_box(request: HttpRequest, box_id: int) -> HttpResponse:
    """Open the (empty) box and show its key shares, once, with the slips to print."""
    box = _box(request, box_id)
    if (unconfirmed := _unconfirmed(request, box, "box.open")) is not None:
        return unconfirmed
    try:
        opening = services.open_box(
            actor=acting_user(request),
            box=box,
            threshold=_small_int(request.POST.get("threshold", ""), services.DEFAULT_THRESHOLD),
            members=_small_int(request.POST.get("members", ""), services.DEFAULT_MEMBERS),
            recovery=request.POST.get("recovery") == "1",
        )
    except PermissionDenied as exc:  # the service's refusal: 403, as the API answers
        raise DjangoPermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("ballots:detail", box.pk)
    pdf = documents.share_slips_pdf(
        opening.box,
        shares=opening.shares,
        threshold=opening.threshold,
        members=opening.members,
        fingerprint=opening.fingerprint,
    )
    response = render(
        request,
        "ballots/box_opened.html",
        {
            "box": opening.box,
            "opening": opening,
            "pdf_base64": base64.b64encode(pdf).decode("ascii"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@require(is_back_office)
def close_box(request: HttpRequest, box_id: int) -> HttpResponse:
    """Close the box."""
    box = _box(request, box_id)
    if (unconfirmed := _unconfirmed(request, box, "box.close")) is not None:
        return unconfirmed
    return _act(
        request,
        box,
        lambda: services.close_box(actor=acting_user(request), box=box),
        _("The ballot box is closed."),
    )


@require_POST
@require(is_back_office)
def reopen_box(request: HttpRequest, box_id: int) -> HttpResponse:
    """Reopen a closed, unsealed box."""
    box = _box(request, box_id)
    return _act(
        request,
        box,
        lambda: services.reopen_box(actor=acting_user(request), box=box),
        _("The ballot box is open again."),
    )


@require_POST
@require(is_back_office)
def create_codes(request: HttpRequest, box_id: int) -> HttpResponse:
    """Create codes and answer with the printable slips (the codes are not kept)."""
    box = _box(request, box_id)
    try:
        count = int(request.POST.get("count", "0"))
    except ValueError:
        count = 0
    group = None
    if request.POST.get("group"):
        group = RespondentGroup.objects.filter(
            round_id=box.conference.round_id, pk=request.POST["group"]
        ).first()
    try:
        codes = services.generate_codes(
            actor=acting_user(request), box=box, count=count, group=group
        )
    except PermissionDenied as exc:  # the service's refusal: 403, as the API answers
        raise DjangoPermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("ballots:detail", box.pk)
    return _pdf(documents.code_slips_pdf(box, codes), f"ma-phieu-hom-{box.pk}.pdf")


@require_POST
@require(is_back_office)
def void_codes(request: HttpRequest, box_id: int) -> HttpResponse:
    """Void the codes typed one a line (lost or spoiled slips)."""
    box = _box(request, box_id)
    typed = [line for line in request.POST.get("codes", "").splitlines() if line.strip()]
    return _act(
        request,
        box,
        lambda: services.void_codes(actor=acting_user(request), box=box, codes=typed),
        _("The codes are voided."),
    )


def _optional_int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


@require_POST
@require(is_back_office)
def paper_counts(request: HttpRequest, box_id: int) -> HttpResponse:
    """Record the paper ballots issued and returned."""
    box = _box(request, box_id)
    issued = _optional_int(request.POST.get("issued", ""))
    returned = _optional_int(request.POST.get("returned", ""))
    return _act(
        request,
        box,
        lambda: services.record_paper_counts(
            actor=acting_user(request), box=box, issued=issued, returned=returned
        ),
        _("The paper counts are recorded."),
    )


@require_POST
@require(is_back_office)
def attendance(request: HttpRequest, box_id: int) -> HttpResponse:
    """Record the conference's attendance from the box page (the counting committee's
    form once the box is open: four eyes on the figure reconciled against codes used)."""
    box = _box(request, box_id)
    invited = _optional_int(request.POST.get("invited", ""))
    present = _optional_int(request.POST.get("present", ""))
    if invited is None or present is None:
        messages.error(request, _("Enter both figures."))
        return redirect("ballots:detail", box.pk)
    return _act(
        request,
        box,
        lambda: record_attendance(
            actor=acting_user(request), conference=box.conference, invited=invited, present=present
        ),
        _("Attendance was recorded."),
    )


@require_POST
@require(is_back_office)
def propose_attendance(request: HttpRequest, box_id: int) -> HttpResponse:
    """Propose an attendance change of an open box; another member confirms it."""
    box = _box(request, box_id)
    invited = _optional_int(request.POST.get("invited", ""))
    present = _optional_int(request.POST.get("present", ""))
    if invited is None or present is None:
        messages.error(request, _("Enter both figures."))
        return redirect("ballots:detail", box.pk)
    return _act(
        request,
        box,
        lambda: rounds_services.propose_attendance(
            actor=acting_user(request), conference=box.conference, invited=invited, present=present
        ),
        _("The attendance change was proposed; it takes effect when another member confirms it."),
    )


@require_POST
@require(is_back_office)
def confirm_attendance(request: HttpRequest, box_id: int, proposal_id: int) -> HttpResponse:
    """Confirm another member's attendance proposal: the figures change now."""
    box = _box(request, box_id)
    proposal = get_object_or_404(
        AttendanceProposal.objects.select_related("conference__box", "proposed_by"),
        pk=proposal_id,
        conference_id=box.conference_id,
    )
    return _act(
        request,
        box,
        lambda: rounds_services.confirm_attendance(actor=acting_user(request), proposal=proposal),
        _("Attendance was recorded."),
    )


@require_POST
@require(is_back_office)
def seal_box(request: HttpRequest, box_id: int) -> HttpResponse:
    """Seal the box with the committee's key shares; a mismatch needs acknowledgement."""
    box = _box(request, box_id)
    if (unconfirmed := _unconfirmed(request, box, "box.seal")) is not None:
        return unconfirmed
    acknowledge = request.POST.get("acknowledge") == "1"
    shares = [s for s in request.POST.getlist("share") if s.strip()]
    return _act(
        request,
        box,
        lambda: services.seal_box(
            actor=acting_user(request),
            box=box,
            shares=shares or None,
            acknowledge_mismatch=acknowledge,
        ),
        _("The ballot box is sealed. Print the counting minutes for signature."),
    )


@upload_limit(services.SIGNED_MINUTES_MAX_BYTES + 64 * 1024)
@require_POST
@require(is_back_office)
def upload_signed(request: HttpRequest, box_id: int) -> HttpResponse:
    """Attach a photo or scan of the signed minutes."""
    box = _box(request, box_id)
    upload = request.FILES.get("signed")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("ballots:detail", box.pk)
    try:
        services.attach_signed_minutes(actor=acting_user(request), box=box, upload=upload)
    except PermissionDenied as exc:  # the service's refusal: 403, as the API answers
        raise DjangoPermissionDenied from exc
    except UploadRefused as exc:  # like every upload: the page, its message, 415 or 413
        return _box_page(request, box, status=exc.status, signed_error=str(exc.message))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The signed minutes are attached."))
    return redirect("ballots:detail", box.pk)


@require_POST
@require(is_back_office)
def verify(request: HttpRequest, box_id: int) -> HttpResponse:
    """Recompute the sealed box and show the outcome."""
    box = _box(request, box_id)
    report = services.verify_box(box=box)
    request.session[f"verify-{box.pk}"] = {
        "ok": report.ok,
        "problems": [str(p) for p in report.problems],
    }
    return redirect("ballots:detail", box.pk)


@require(is_back_office)
def minutes_pdf(request: HttpRequest, box_id: int) -> HttpResponse:
    """Download the counting minutes of a sealed box."""
    box = _box(request, box_id)
    seal = get_object_or_404(Seal, box=box)
    return _pdf(documents.counting_minutes_pdf(seal), f"bien-ban-kiem-phieu-hom-{box.pk}.pdf")


@require(is_back_office)
def minutes_docx(request: HttpRequest, box_id: int) -> HttpResponse:
    """Download the counting minutes of a sealed box as an editable DOCX (same content)."""
    box = _box(request, box_id)
    seal = get_object_or_404(Seal, box=box)
    response = HttpResponse(documents.counting_minutes_docx(seal), content_type=DOCX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-kiem-phieu-hom-{box.pk}.docx"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require(is_back_office)
def zero_report_pdf(request: HttpRequest, box_id: int) -> HttpResponse:
    """Download the opening record (zero report) of an opened box."""
    box = _box(request, box_id)
    try:
        data = documents.zero_report_pdf(box)
    except ValueError:
        messages.error(request, _("The ballot box has not been opened yet."))
        return redirect("ballots:detail", box.pk)
    return _pdf(data, f"bien-ban-mo-hom-{box.pk}.pdf")
