"""Anonymous pages: the voting flow, receipt lookup and the public bulletin.

The voting flow works without JavaScript: plain form POSTs carry the code and the
answers from step to step (code → sheets → review → receipts). Pages are never cached,
and nothing of the respondent is stored; the client address is used only as an opaque
key in the rate-limit cache, which slows down wrong codes and never refuses a valid one.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from phieukin.ballots import codes as codes_mod
from phieukin.ballots import ratelimit, selectors, services
from phieukin.core.errors import DomainError
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox


def _box(box_id: int) -> BallotBox:
    return get_object_or_404(
        BallotBox.objects.select_related(
            "conference",
            "conference__unit",
            "conference__round",
            "conference__round__questionnaire",
        ),
        pk=box_id,
    )


def _sheets_from_post(definition: dict[str, Any], data: Any) -> list[services.SheetInput]:
    sheets = []
    for subject in definition["subjects"]:
        answers: dict[str, str | None] = {}
        for item in definition["items"]:
            value = data.get(f"a-{subject['id']}-{item['key']}", "")
            answers[item["key"]] = value or None
        sheets.append(
            services.SheetInput(
                subject_id=subject["id"],
                answers=answers,
                comment=data.get(f"c-{subject['id']}", ""),
            )
        )
    return sheets


def _ballot_context(
    definition: dict[str, Any], sheets: list[services.SheetInput] | None
) -> list[dict[str, Any]]:
    """Return, per leader, the items with their options and the current choice."""
    chosen = {s.subject_id: s for s in sheets or []}
    leaders = []
    for subject in definition["subjects"]:
        sheet = chosen.get(subject["id"])
        items = []
        for item in definition["items"]:
            current = sheet.answers.get(item["key"]) if sheet else None
            label = next((o["label"] for o in item["options"] if o["key"] == current), "")
            items.append({**item, "current": current, "current_label": label})
        leaders.append({**subject, "items": items, "comment": sheet.comment if sheet else ""})
    return leaders


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"public/{template}", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, box_id: int, code: str = "") -> HttpResponse:
    """Run the voting flow of one box: enter the code, fill the sheets, review, submit."""
    box = _box(box_id)
    definition = selectors.box_definition(box)
    rnd = box.conference.round
    context: dict[str, Any] = {"box": box, "definition": definition, "round": rnd}
    step = request.POST.get("step", "code") if request.method == "POST" else "code"
    typed = request.POST.get("code", "") if request.method == "POST" else code
    if not typed:
        if box.state != BoxState.OPEN:
            context["error"] = _("This ballot box is not open.")
        return _render(request, "vote_code.html", context)
    context["code"] = typed
    # Guessers are slowed down here; a valid, unused code is never refused.
    ratelimit.throttle(request, box.pk)
    try:
        normalised, row = services.lookup_code(typed)
        if row.box_id != box.pk:
            raise DomainError(_("This code does not exist."), code="code_unknown", status=404)
    except DomainError as exc:
        if exc.code in ("code_format", "code_unknown"):
            ratelimit.record_failure(request, box.pk)
        context["error"] = str(exc.message)
        return _render(request, "vote_code.html", context, status=exc.status)
    context["code"] = codes_mod.display(normalised)
    sheets = _sheets_from_post(definition, request.POST) if step != "code" else None
    context["leaders"] = _ballot_context(definition, sheets)
    context["progress_label"] = _("Answered {answered} of {total} questions")
    if step in ("code", "edit") or sheets is None:
        return _render(request, "vote_ballot.html", context)
    try:
        services.check_sheets(box=box, sheets=sheets)
    except DomainError as exc:
        context["error"] = str(exc.message)
        return _render(request, "vote_ballot.html", context, status=400)
    if step == "review":
        return _render(request, "vote_review.html", context)
    try:
        receipts = services.cast_ballot(code=normalised, sheets=sheets)
    except DomainError as exc:
        context["error"] = str(exc.message)
        return _render(request, "vote_code.html", context, status=exc.status)
    return _render(request, "vote_done.html", {"box": box, "round": rnd, "receipts": receipts}, 201)


@never_cache
@require_http_methods(["GET", "POST"])
def receipt_lookup(request: HttpRequest) -> HttpResponse:
    """Let a respondent check that their receipt was recorded (POST keeps it out of URLs)."""
    context: dict[str, Any] = {}
    if request.method == "POST":
        value = request.POST.get("receipt", "")
        context["receipt"] = value
        context["result"] = selectors.find_receipt(value)
    return render(request, "public/receipt.html", context)


def bulletin(request: HttpRequest, box_id: int) -> HttpResponse:
    """Show the public bulletin of a sealed box: digest, counts, receipts."""
    box = _box(box_id)
    try:
        data = selectors.bulletin(box)
    except DomainError as exc:
        return render(
            request, "public/bulletin.html", {"box": box, "error": exc.message}, status=409
        )
    return render(request, "public/bulletin.html", {"box": box, "data": data})
