"""Pages of the counting committee for paper ballots.

Every page starts from :func:`phieukin.paper.selectors.paper_boxes_for`, so a box outside
the user's wards (or a user who reads no box) gets a 404, as on the box pages. Each page
then asks the rule of its own action (``accounts/rules/paper.py``): the Standing Committee
reads the box's paper figures but is refused (403) every page that types, scans, reviews,
prints or shows handwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phieukin.accounts.access import AccessDenied, can
from phieukin.accounts.models import User
from phieukin.ballots.services import record_paper_counts
from phieukin.core.confirm import confirmed
from phieukin.core.errors import DomainError
from phieukin.core.uploads import UploadRefused, upload_limit
from phieukin.paper import exports, images, selectors, services
from phieukin.paper.forms import (
    DoubleEntryForm,
    EntryForm,
    PaperCountsForm,
    PrintForm,
    ResolveForm,
    SpotCheckForm,
    UploadForm,
    VoidForm,
)
from phieukin.paper.images import SCAN_REQUEST_MAX_BYTES
from phieukin.paper.models import PendingEntry, PendingReading, ScanBatch
from phieukin.paper.services import EntryOutcome
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject
from phieukin.rounds.selectors import visible_rounds


def _actor(request: HttpRequest) -> User:
    """Return the signed-in user (every view here requires one)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _box(request: HttpRequest, box_id: int, action: str) -> BallotBox:
    """Return the box the user reads (else 404), refusing with 403 unless *action* is theirs."""
    box = get_object_or_404(selectors.paper_boxes_for(request.user), pk=box_id)
    if not can(request.user, action, box):
        raise PermissionDenied
    return box


def _subjects(box: BallotBox) -> Any:
    return Subject.objects.filter(conference_id=box.conference_id).order_by("order")


def _groups(box: BallotBox) -> Any:
    return RespondentGroup.objects.filter(round_id=box.conference.round_id).order_by("order")


@login_required
def box_paper(request: HttpRequest, box_id: int) -> HttpResponse:
    """Show the box's paper figures, warnings and the ways to enter paper ballots."""
    box = _box(request, box_id, "paper.view")
    counts_form = PaperCountsForm(
        initial={"issued": box.paper_issued, "returned": box.paper_returned}
    )
    return render(request, "paper/box.html", _box_context(request, box, counts_form))


def _round_checks(request: HttpRequest, round_id: int) -> tuple[Any, selectors.ReaderCheckReport]:
    """Return a round the user sees (else 404) and its reader checks (403 unless theirs)."""
    rnd = get_object_or_404(visible_rounds(request.user), pk=round_id)
    try:
        return rnd, selectors.reader_check_report(request.user, rnd)
    except AccessDenied as exc:
        raise PermissionDenied from exc


@login_required
def round_checks(request: HttpRequest, round_id: int) -> HttpResponse:
    """Show how the scan reader fared against the paper in the round's wards the user reads."""
    rnd, report = _round_checks(request, round_id)
    return render(request, "paper/round_checks.html", {"round": rnd, "report": report})


@login_required
def round_checks_xlsx(request: HttpRequest, round_id: int) -> HttpResponse:
    """Download the round's reader checks (the wards the user reads) as a spreadsheet."""
    rnd, report = _round_checks(request, round_id)
    response = HttpResponse(exports.reader_checks_xlsx(report, rnd.title), exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kiem-tra-may-doc-dot-{rnd.pk}.xlsx"'
    return response


def _box_context(
    request: HttpRequest,
    box: BallotBox,
    counts_form: PaperCountsForm,
    spot_form: SpotCheckForm | None = None,
) -> dict[str, Any]:
    """Return what the box's paper page shows (with the forms as posted, if any)."""
    summary = selectors.paper_summary(box)
    return {
        "box": box,
        "summary": summary,
        "counts_form": counts_form,
        "spot_form": spot_form or SpotCheckForm(initial={"percent": summary.spot_check_percent}),
        "double_entry": services.double_entry_enabled(box),
        "batches": selectors.batches(box),
        "refused_pages": selectors.refused_pages(box),
        "may_work": can(request.user, "paper.enter", box),
        "may_configure": can(request.user, "paper.configure", box),
    }


@login_required
@require_POST
def paper_counts(request: HttpRequest, box_id: int) -> HttpResponse:
    """Record the numbers of paper ballots issued and returned."""
    box = _box(request, box_id, "box.paper")
    form = PaperCountsForm(request.POST)
    if form.is_valid():
        try:
            record_paper_counts(
                actor=_actor(request),
                box=box,
                issued=form.cleaned_data["issued"],
                returned=form.cleaned_data["returned"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The paper ballot counts are recorded."))
            return redirect("paper:box", box_id=box.pk)
    return render(request, "paper/box.html", _box_context(request, box, form), status=400)


@login_required
@require_POST
def spot_check(request: HttpRequest, box_id: int) -> HttpResponse:
    """Set the share of scanned sheets read without doubt that a member checks blind."""
    box = _box(request, box_id, "paper.configure")
    form = SpotCheckForm(request.POST)
    if form.is_valid():
        try:
            services.set_spot_check(
                actor=_actor(request), box=box, percent=form.cleaned_data["percent"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("From now on, %(percent)s%% of the sheets read without doubt are checked.")
                % {"percent": form.cleaned_data["percent"]},
            )
            return redirect("paper:box", box_id=box.pk)
    counts_form = PaperCountsForm(
        initial={"issued": box.paper_issued, "returned": box.paper_returned}
    )
    context = _box_context(request, box, counts_form, spot_form=form)
    return render(request, "paper/box.html", context, status=400)


@login_required
@require_POST
def double_entry(request: HttpRequest, box_id: int) -> HttpResponse:
    """Switch double entry on or off for the box."""
    box = _box(request, box_id, "paper.configure")
    form = DoubleEntryForm(request.POST)
    form.is_valid()
    enabled = bool(form.cleaned_data.get("enabled"))
    try:
        services.set_double_entry(actor=_actor(request), box=box, enabled=enabled)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Double entry is on: every sheet is typed by two members.")
            if enabled
            else _("Double entry is off: every sheet is typed once."),
        )
    return redirect("paper:box", box_id=box.pk)


def _outcome_message(outcome: EntryOutcome) -> str:
    if outcome.status == "first":
        return _("First entry saved; the sheet waits for a second member to type it.")
    if outcome.status == "mismatch":
        return _("The two entries of this sheet differ; it waits for a resolution.")
    if outcome.valid:
        return _("The ballot is in the box.")
    reasons = {
        "declared": _("declared invalid"),
        "blank": _("blank ballot"),
        "double_mark": _("two marks on an item"),
    }
    return _("The ballot is in the box as invalid (%(reason)s).") % {
        "reason": reasons.get(outcome.reason, outcome.reason)
    }


@login_required
def entry(request: HttpRequest, box_id: int) -> HttpResponse:
    """Type paper sheets with the keyboard: one digit per item, Enter to save."""
    box = _box(request, box_id, "paper.enter")
    doubled = services.double_entry_enabled(box)
    subjects = _subjects(box)
    groups = _groups(box)
    initial = {
        "subject": request.GET.get("subject") or (subjects.first().pk if subjects else None),
        "group": request.GET.get("group") or None,
    }
    form = EntryForm(
        request.POST or None,
        initial=initial,
        subjects=subjects,
        groups=groups,
        double_entry=doubled,
    )
    items = selectors.entry_items(box)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = services.enter_typed_sheet(
                    actor=_actor(request),
                    box=box,
                    subject=data["subject"],
                    keys=data["keys"],
                    invalid=data["invalid"],
                    comment=data["comment"],
                    group=data.get("group"),
                    sheet_label=data.get("sheet_label") or "",
                )
            except DomainError as exc:
                form.add_error("keys" if exc.code in _KEY_ERRORS else None, exc.message)
            else:
                level = messages.SUCCESS if outcome.status != "mismatch" else messages.WARNING
                messages.add_message(request, level, _outcome_message(outcome))
                sticky = {"subject": data["subject"].pk}
                if data.get("group"):
                    sticky["group"] = data["group"].pk
                response = redirect(reverse("paper:entry", args=[box.pk]) + "?" + urlencode(sticky))
                _set_undo_cookie(
                    response,
                    box,
                    services.undo_token(actor=_actor(request), box=box, outcome=outcome),
                )
                return response
        status = 400
    return render(
        request,
        "paper/entry.html",
        {
            "box": box,
            "form": form,
            "items": items,
            "items_json": _items_json(items),
            "double_entry": doubled,
            "last_entry": _last_entry(request, box),
            "policy": box.conference.round.get_double_mark_policy_display(),
            "blank_invalid": box.conference.round.blank_ballot_invalid,
        },
        status=status,
    )


_KEY_ERRORS = {"not_a_digit", "wrong_length", "no_such_option"}


def _undo_cookie_name(box: BallotBox) -> str:
    return f"paper_undo_{box.pk}"


def _set_undo_cookie(response: HttpResponse, box: BallotBox, token: str) -> None:
    """Hand the typist's browser the token of their last entry (never stored server-side)."""
    response.set_cookie(
        _undo_cookie_name(box),
        token,
        max_age=services.UNDO_MAX_AGE,
        path=reverse("paper:box", args=[box.pk]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def _last_entry(request: HttpRequest, box: BallotBox) -> services.LastEntry | None:
    token = request.COOKIES.get(_undo_cookie_name(box), "")
    if not token:
        return None
    return services.read_undo_token(token, actor=_actor(request), box=box)


@dataclass(frozen=True)
class _TakeBackPage:
    """What the confirmation page of a retype/drop or a void says (``paper/take_back.html``)."""

    title: str
    heading: str
    warning: str
    retype_heading: str
    retype_help: str
    retype_button: str
    cancel_url: str


def _take_back_or_void(
    request: HttpRequest,
    box: BallotBox,
    *,
    act: Any,
    retyped: str,
    done_url: str,
    page: _TakeBackPage,
) -> HttpResponse:
    """Run the confirmation step shared by undo and discard, then *act* once confirmed.

    The page offers two forms: take the typed entry back (to be typed again), or void the
    paper sheet with a reason (``void=1``). Nothing changes until ``confirm=yes`` is
    posted (and, for a void, a reason); ``act(reason=…, void=…)`` calls the service, its
    refusal becomes the message. A GET shows the page (200); a POST that is not
    confirmed, or a void without its reason, shows it again with 400.
    """
    void = request.POST.get("void") == "1"
    form = VoidForm(request.POST if void else None)
    if confirmed(request) and (not void or form.is_valid()):
        try:
            act(reason=form.cleaned_data["reason"] if void else "", void=void)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("The paper sheet is voided; it is counted in the reconciliation.")
                if void
                else retyped,
            )
        return redirect(done_url)
    return render(
        request,
        "paper/take_back.html",
        {"box": box, "form": form, "page": page},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def undo(request: HttpRequest, box_id: int) -> HttpResponse:
    """Take back one's own last entry: retype it, or void the paper sheet with a reason.

    GET (or a POST without ``confirm=yes``) shows what will happen; nothing changes
    until the typist confirms.
    """
    box = _box(request, box_id, "paper.enter")
    last = _last_entry(request, box)
    entry_url = reverse("paper:entry", args=[box.pk])
    if last is None:
        messages.error(request, _("There is no entry of yours to take back in this box."))
        return redirect(entry_url)
    response = _take_back_or_void(
        request,
        box,
        act=lambda reason, void: services.undo_last_entry(
            actor=_actor(request), box=box, last=last, reason=reason, void=void
        ),
        retyped=_("Your last entry was taken back: type the sheet again."),
        done_url=entry_url,
        page=_TakeBackPage(
            title=_("Take back my last entry"),
            heading=_("Take back my last entry"),
            warning=" ".join(
                (
                    _(
                        "Your last entry of this sheet (still waiting in double entry) "
                        "will be removed."
                    )
                    if last.entry_id is not None
                    else _("The sheet you typed last will be taken out of the ballot box."),
                    _(
                        "Only your own last entry can be taken back, within half an hour "
                        "and before sealing. Nothing records which ballot it was."
                    ),
                )
            ),
            retype_heading=_("Type the sheet again"),
            retype_help=_(
                "Use this when you typed a wrong digit, the wrong leader or the wrong sheet number."
            ),
            retype_button=_("Take back my last entry"),
            cancel_url=entry_url,
        ),
    )
    if response.status_code == 302:  # acted (or refused): the undo token is spent
        response.delete_cookie(_undo_cookie_name(box), path=reverse("paper:box", args=[box.pk]))
    return response


@login_required
def resolutions(request: HttpRequest, box_id: int) -> HttpResponse:
    """List the typed sheets whose two entries differ, and those waiting for a second entry."""
    box = _box(request, box_id, "paper.resolve")
    return render(
        request,
        "paper/resolutions.html",
        {
            "box": box,
            "entries": selectors.pending_entries(box),
            "waiting": selectors.waiting_entries(box),
        },
    )


@login_required
def resolve(request: HttpRequest, box_id: int, entry_id: int) -> HttpResponse:
    """Decide a sheet whose two entries differ, reading the paper sheet."""
    box = _box(request, box_id, "paper.resolve")
    pending = get_object_or_404(selectors.pending_entries(box), pk=entry_id)
    items = selectors.entry_items(box)
    comments_differ = pending.first_comment != pending.second_comment
    form = ResolveForm(request.POST or None, comments_differ=comments_differ)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            choice = form.cleaned_data.get("comment_from") or ""
            try:
                outcome = services.resolve_entry(
                    actor=_actor(request),
                    entry=pending,
                    keys=form.cleaned_data["keys"],
                    invalid=form.cleaned_data["invalid"],
                    comment=(
                        form.cleaned_data["comment"] if comments_differ else pending.first_comment
                    ),
                    comment_from=choice if choice in ("first", "second") else "",
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _outcome_message(outcome))
                return redirect("paper:resolutions", box_id=box.pk)
        status = 400
    return render(
        request,
        "paper/resolve.html",
        {"box": box, "entry": pending, "rows": _differences(items, pending), "form": form},
        status=status,
    )


@login_required
def discard(request: HttpRequest, box_id: int, entry_id: int) -> HttpResponse:
    """Drop a waiting typed sheet (wrong number) or void its paper sheet with a reason.

    Any member of the ward's counting committee, after a confirmation page: GET (or a
    POST without ``confirm=yes``) changes nothing.
    """
    box = _box(request, box_id, "paper.discard")
    pending = get_object_or_404(
        PendingEntry.objects.filter(box=box).select_related("subject"), pk=entry_id
    )
    resolutions_url = reverse("paper:resolutions", kwargs={"box_id": box.pk})
    return _take_back_or_void(
        request,
        box,
        act=lambda reason, void: services.discard_pending_entry(
            actor=_actor(request), entry=pending, reason=reason, void=void
        ),
        retyped=_("The typed sheet was discarded."),
        done_url=resolutions_url,
        page=_TakeBackPage(
            title=_("Drop or void a typed sheet"),
            heading=_("Sheet %(label)s — %(leader)s")
            % {"label": pending.sheet_label, "leader": pending.subject.name},
            warning=_(
                "The typed entries of this sheet will be removed. Every member of the "
                "counting committee may do this before sealing; it is written in the audit log."
            ),
            retype_heading=_("Typed under a wrong sheet number or leader"),
            retype_help=_(
                "The entry is dropped and the sheet is typed again under its right number."
            ),
            retype_button=_("Drop the typed entry"),
            cancel_url=resolutions_url,
        ),
    )


def _differences(items: list[selectors.EntryItem], entry: PendingEntry) -> list[dict[str, Any]]:
    """Return one row per item with both typed digits and whether they differ."""
    rows: list[dict[str, Any]] = []
    first = entry.first_keys if entry.first_keys != "*" else ""
    second = entry.second_keys if entry.second_keys != "*" else ""
    for index, item in enumerate(items):
        a = first[index] if index < len(first) else ""
        b = second[index] if index < len(second) else ""
        labels = dict(item.options)
        rows.append(
            {
                "item": item,
                "first": a,
                "first_label": labels.get(a, _("no answer") if a == "0" else ""),
                "second": b,
                "second_label": labels.get(b, _("no answer") if b == "0" else ""),
                "differs": a != b,
            }
        )
    return rows


# --- Printing --------------------------------------------------------------------------


@login_required
def print_ballots(request: HttpRequest, box_id: int) -> HttpResponse:
    """Offer, then send, the printable ballots PDF of the box."""
    box = _box(request, box_id, "paper.print")
    form = PrintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pdf = services.print_ballots(
                    actor=_actor(request), box=box, copies=form.cleaned_data["copies"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="phieu-hom-{box.pk}.pdf"'
                return response
        status = 400
    return render(
        request,
        "paper/print.html",
        {"box": box, "form": form, "subjects": _subjects(box)},
        status=status,
    )


# --- Scans -----------------------------------------------------------------------------


@upload_limit(SCAN_REQUEST_MAX_BYTES)
@login_required
def upload(request: HttpRequest, box_id: int) -> HttpResponse:
    """Upload scan files (several at once); they are read a few pages at a time.

    A body above the limit is refused before it is read (413); a file of another kind
    (by its content) answers 415, one too large 413, with the page and its message.
    """
    box = _box(request, box_id, "paper.scan")
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            files = [services.Upload(f.name, f) for f in form.cleaned_data["files"]]
            try:
                batch = services.upload_scans(actor=_actor(request), box=box, files=files)
            except DomainError as exc:
                form.add_error(None, exc.message)
                if isinstance(exc, UploadRefused):
                    status = exc.status
            else:
                return redirect("paper:batch", box_id=box.pk, batch_id=batch.pk)
    return render(request, "paper/upload.html", {"box": box, "form": form}, status=status)


def _batch(request: HttpRequest, box: BallotBox, batch_id: int) -> ScanBatch:
    return get_object_or_404(ScanBatch.objects.filter(box=box), pk=batch_id)


@login_required
def batch(request: HttpRequest, box_id: int, batch_id: int) -> HttpResponse:
    """Show the progress of a batch; with JavaScript it reads itself page after page."""
    box = _box(request, box_id, "paper.scan")
    return render(
        request, "paper/batch.html", {"box": box, "batch": _batch(request, box, batch_id)}
    )


@login_required
@require_POST
def batch_step(request: HttpRequest, box_id: int, batch_id: int) -> HttpResponse:
    """Read the next few pages of a batch (htmx: answer the progress fragment)."""
    box = _box(request, box_id, "paper.scan")
    current = _batch(request, box, batch_id)
    error = ""
    try:
        current = services.process_batch(actor=_actor(request), batch=current)
    except DomainError as exc:
        error = str(exc.message)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "paper/_batch_progress.html",
            {"box": box, "batch": current, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect("paper:batch", box_id=box.pk, batch_id=current.pk)


@login_required
def review_queue(request: HttpRequest, box_id: int) -> HttpResponse:
    """List the scanned copies waiting for a human."""
    box = _box(request, box_id, "paper.review")
    return render(
        request, "paper/review_queue.html", {"box": box, "readings": selectors.review_queue(box)}
    )


def _reading(request: HttpRequest, box: BallotBox, reading_id: int) -> PendingReading:
    return get_object_or_404(
        PendingReading.objects.filter(box=box).select_related("subject"), pk=reading_id
    )


def _items_json(items: list[selectors.EntryItem]) -> list[dict[str, Any]]:
    """The items as the keyboard scripts (entry.js, review.js) describe them, in key order."""
    return [
        {
            "key": it.key,
            "n": it.number,
            "text": it.text,
            "options": [label for _d, label in it.options],
        }
        for it in items
    ]


@login_required
def review(request: HttpRequest, box_id: int, reading_id: int) -> HttpResponse:
    """Confirm a scanned copy: its whole pages with every reading drawn, digits as in entry."""
    box = _box(request, box_id, "paper.review")
    reading = _reading(request, box, reading_id)
    try:
        sheet = selectors.review_sheet(_actor(request), box, reading)
    except AccessDenied as exc:
        raise Http404 from exc
    rows = selectors.review_rows(box, reading)
    # The pages with faint marks brought out (see images.faint_view), kept from copy to copy.
    faint = request.GET.get("faint") == "1"
    error = ""
    status = 200
    if request.method == "POST":
        choices = {
            row.key: request.POST[f"item-{row.key}"]
            for row in rows
            if f"item-{row.key}" in request.POST
        }
        keys = request.POST.get("keys", "")
        if "?" in keys:
            keys = ""  # the reader's doubts were not all replaced: decide them below
        try:
            outcome = services.review_reading(
                actor=_actor(request),
                reading=reading,
                choices=choices,
                keys=keys,
                comment=request.POST.get("comment", ""),
                invalid=bool(request.POST.get("invalid")),
            )
        except DomainError as exc:
            error = str(exc.message)
            status = 400
        else:
            messages.success(request, _outcome_message(outcome))
            # Straight on to the next whole copy waiting, as a pile of sheets is worked
            # through; the queue once none is left (a copy still missing a page waits
            # for its scan there).
            following = next((r for r in selectors.review_queue(box) if r.complete), None)
            if following is not None:
                url = reverse("paper:review", args=[box.pk, following.pk])
                return redirect(url + ("?faint=1" if faint else ""))
            return redirect("paper:review_queue", box_id=box.pk)
    return render(
        request,
        "paper/review.html",
        {
            "box": box,
            "reading": reading,
            "rows": rows,
            "sheet": sheet,
            "problems": selectors.page_problems(reading),
            "faint": faint,
            "has_comment": reading.comment_crop is not None and bool(reading.comment_crop),
            "posted": request.POST,
            "error": error,
            "double_mark": services.DOUBLE_MARK,
            "double_key": services.DOUBLE_KEY,
            "items_json": _items_json(selectors.entry_items(box)),
        },
        status=status,
    )


def _image(data: bytes | memoryview | None, content_type: str = "image/png") -> HttpResponse:
    if not data:
        raise Http404
    response = HttpResponse(bytes(data), content_type=content_type)
    # Evidence for the committee only: never cached by the browser or a proxy.
    response["Cache-Control"] = "no-store, private"
    return response


@login_required
def crop_image(request: HttpRequest, box_id: int, reading_id: int, crop_id: int) -> HttpResponse:
    """Send the image of one item to decide (``?faint=1``: with faint marks brought out)."""
    box = _box(request, box_id, "paper.review")
    reading = _reading(request, box, reading_id)
    try:
        data = selectors.review_crop_image(_actor(request), box, reading, crop_id)
    except AccessDenied as exc:
        raise Http404 from exc
    if data and request.GET.get("faint") == "1":
        data = images.faint_view(data)
    return _image(data)


@login_required
def page_image(request: HttpRequest, box_id: int, reading_id: int, page: int) -> HttpResponse:
    """Send one whole page of a scanned copy (its comment area painted out).

    ``?faint=1``: the same page with faint marks brought out (:func:`images.faint_view`).
    """
    box = _box(request, box_id, "paper.review")
    reading = _reading(request, box, reading_id)
    try:
        data = selectors.review_page_image(_actor(request), box, reading, page)
    except AccessDenied as exc:
        raise Http404 from exc
    if data and request.GET.get("faint") == "1":
        data = images.faint_view(data)
    return _image(data, "image/jpeg")


@login_required
def comment_image(request: HttpRequest, box_id: int, reading_id: int) -> HttpResponse:
    """Send the handwritten comment area of a scanned copy (to transcribe it).

    Never to a user whose leader record is evaluated in the box, whatever other role
    they hold (the ``paper.see_handwriting`` rule): handwriting identifies its writer.
    """
    box = _box(request, box_id, "paper.review")
    reading = _reading(request, box, reading_id)
    try:
        data = selectors.comment_image(_actor(request), box, reading)
    except AccessDenied as exc:
        raise Http404 from exc
    return _image(data)
