"""Pages of the Directive 24 self-check: checklists, sessions, findings, follow-up, reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from phieukin.accounts.access import AccessDenied, can
from phieukin.accounts.models import Role
from phieukin.accounts.rules.selfcheck import RECORDING_ROLES
from phieukin.accounts.scoping import scope_to_units
from phieukin.accounts.web import form_errors_as_messages, perform
from phieukin.core.access import acting_user
from phieukin.core.errors import DomainError
from phieukin.core.uploads import UploadRefused, upload_limit
from phieukin.selfcheck import documents, selectors, services
from phieukin.selfcheck.forms import (
    ChecklistImportForm,
    FindingForm,
    FollowUpForm,
    IndividualForm,
    SessionForm,
    SessionUpdateForm,
)
from phieukin.selfcheck.models import Checklist, Entry, Finding, Session
from phieukin.units.models import Unit

FORMATS = {
    "pdf": ("application/pdf", documents.report_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        documents.report_docx,
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        documents.report_xlsx,
    ),
}


def _session(request: HttpRequest, pk: int) -> Session:
    session = selectors.sessions_for(request.user).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """List the readable sessions and the aggregation of the user's scope."""
    unit_raw = request.GET.get("unit", "")
    unit_id = int(unit_raw) if unit_raw.isdigit() else None
    period = request.GET.get("period") or None
    sessions = list(selectors.sessions_for(request.user, unit_id=unit_id, period=period))
    scope = selectors.scope_summary(request.user, period=period, unit_id=unit_id)
    units = scope_to_units(
        Unit.objects.all(), acting_user(request), "id", [*RECORDING_ROLES, Role.STANDING_COMMITTEE]
    ).order_by("sort_key")
    return render(
        request,
        "selfcheck/index.html",
        {
            "sessions": sessions,
            "scope": scope,
            "periods": selectors.periods_for(request.user),
            "period": period,
            "units": units,
            "unit_id": unit_id,
            "can_create": selectors.recordable_units(request.user).exists(),
            "can_import": can(request.user, "selfcheck.import_checklist"),
        },
    )


@upload_limit(services.CHECKLIST_MAX_BYTES + 64 * 1024)
@login_required
def checklists(request: HttpRequest) -> HttpResponse:
    """List checklist versions; the organiser imports a new one from YAML or XLSX.

    A file of another kind (by its content) or too large answers 415 or 413 with the page
    and its message; a body above the limit is refused before it is read.
    """
    status = 200
    may_import = can(request.user, "selfcheck.import_checklist")
    if not can(request.user, "selfcheck.view_checklists"):
        raise PermissionDenied
    form = ChecklistImportForm()
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied
        form = ChecklistImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                checklist = services.import_checklist(
                    actor=acting_user(request), data=upload.read(), filename=upload.name
                )
            except AccessDenied as exc:
                raise PermissionDenied from exc
            except DomainError as exc:
                form.add_error("file", str(exc.message))
                if isinstance(exc, UploadRefused):
                    status = exc.status
            else:
                messages.success(request, _("The checklist was imported."))
                return redirect("selfcheck:checklist", pk=checklist.pk)
    return render(
        request,
        "selfcheck/checklists.html",
        {"checklists": selectors.checklists(), "form": form, "can_import": may_import},
        status=status,
    )


@require_GET
@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not can(request.user, "selfcheck.view_checklists"):
        raise PermissionDenied
    checklist = get_object_or_404(Checklist, pk=pk)
    items = selectors.checklist_items(checklist)
    return render(
        request,
        "selfcheck/checklist.html",
        {
            "checklist": checklist,
            "items": items,
            "drafts": sum(1 for i in items if not i.verified),
            "draft_mark": documents.draft_mark(),
        },
    )


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    units = selectors.recordable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    form = SessionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.create_session(actor=acting_user(request), **data)
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The session was recorded."))
            return redirect("selfcheck:session", pk=session.pk)
    return render(request, "selfcheck/session_form.html", {"form": form})


@require_GET
@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_detail(_session(request, pk))
    may_record = can(request.user, "selfcheck.record", session)
    items = session.checklist.items.order_by("order")
    return render(
        request,
        "selfcheck/session.html",
        {
            "session": session,
            "summary": selectors.session_summary(session),
            "items": list(items.select_related("group")),
            "may_record": may_record,
            "draft_mark": documents.draft_mark(),
            "update_form": SessionUpdateForm(
                initial={
                    "participants": session.participants,
                    "speakers": session.speakers,
                    "speaker_names": session.speaker_names,
                    "conclusion": session.conclusion,
                }
            ),
            "individual_form": IndividualForm(),
            "finding_form": FindingForm(entries=session.entries.all(), items=items),
            "follow_up_form": FollowUpForm(),
        },
    )


def _after(request: HttpRequest, pk: int, action: Callable[[], Any], ok: str) -> HttpResponse:
    perform(request, action, ok)
    return redirect("selfcheck:session", pk=pk)


def _invalid(request: HttpRequest, pk: int, form: Any) -> HttpResponse:
    form_errors_as_messages(request, form)
    return redirect("selfcheck:session", pk=pk)


@login_required
@require_POST
def session_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = SessionUpdateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    return _after(
        request,
        pk,
        lambda: services.update_session(
            actor=acting_user(request), session=session, **form.cleaned_data
        ),
        _("The session was updated."),
    )


@login_required
@require_POST
def individual_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = IndividualForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    return _after(
        request,
        pk,
        lambda: services.add_individual(
            actor=acting_user(request), session=session, **form.cleaned_data
        ),
        _("The individual was added."),
    )


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = FindingForm(
        request.POST, entries=session.entries.all(), items=session.checklist.items.all()
    )
    if not form.is_valid():
        return _invalid(request, pk, form)
    return _after(
        request,
        pk,
        lambda: services.record_finding(actor=acting_user(request), **form.cleaned_data),
        _("The expression and its remedy were recorded."),
    )


@login_required
@require_POST
def none_apply(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    session = _session(request, pk)
    target = get_object_or_404(Entry, pk=entry, session=session)
    return _after(
        request,
        pk,
        lambda: services.mark_none_apply(actor=acting_user(request), entry=target),
        _("Recorded: no expression applies."),
    )


@login_required
@require_POST
def follow_up(request: HttpRequest, pk: int, finding: int) -> HttpResponse:
    session = _session(request, pk)
    target = get_object_or_404(Finding, pk=finding, entry__session=session)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _invalid(request, pk, form)
    return _after(
        request,
        pk,
        lambda: services.update_follow_up(
            actor=acting_user(request),
            finding=target,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            done_on=form.cleaned_data["done_on"],
        ),
        _("The follow-up was recorded."),
    )


@require_GET
@login_required
def report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Download the session's report as PDF, DOCX or XLSX."""
    session = _session(request, pk)
    if fmt not in FORMATS:
        raise Http404
    content_type, render_ = FORMATS[fmt]
    response = HttpResponse(render_(session), content_type=content_type)
    name = f"tu-kiem-tra-ct24-{session.unit.slug}-{session.period}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
