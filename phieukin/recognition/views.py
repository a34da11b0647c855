"""Pages of the recognition registry: search, counts, new entries, publishing, the report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phieukin.accounts.access import AccessDenied, can
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for
from phieukin.core.access import acting_user, deny_unless
from phieukin.core.errors import DomainError
from phieukin.recognition import documents, selectors, services
from phieukin.recognition.forms import HonoureeForm, ModelForm
from phieukin.recognition.models import EmulationModel, FieldOfWork, Honouree, Level, ModelStatus
from phieukin.units.models import Unit


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _recording_units(user: Any) -> Any:
    ids = unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER])
    return Unit.objects.filter(pk__in=ids).order_by("sort_key")


def _report_unit(user: Any) -> Unit | None:
    """Return the highest unit whose report the user may issue."""
    for unit in Unit.objects.filter(
        pk__in=unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE])
    ).order_by("kind", "sort_key"):
        if unit.parent_id is None or not can(user, "recognition.report", unit.parent):
            return unit
    return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Show the counts per year and unit, and the search over honourees and models."""
    user = acting_user(request)
    deny_unless(can(user, "recognition.registry.read", None))
    counts = selectors.counts(user)
    year = _int(request.GET.get("year"))
    return render(
        request,
        "recognition/index.html",
        {
            "counts": counts,
            "year": year,
            "unit_rows": counts.units.get(year, ()) if year else (),
            "report_unit": _report_unit(user),
            "can_record": _recording_units(user).exists(),
        },
    )


@login_required
def honourees(request: HttpRequest) -> HttpResponse:
    """Search the honourees by name, deed or decision; filter by year, unit, level."""
    user = acting_user(request)
    deny_unless(can(user, "recognition.registry.read", None))
    q = request.GET.get("q", "")
    qs = selectors.honourees_for(
        user,
        q=q,
        year=_int(request.GET.get("year")),
        unit_id=_int(request.GET.get("unit")),
        level=request.GET.get("level", "") if request.GET.get("level") in Level.values else "",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/honourees.html",
        {
            "page": page,
            "total": page.paginator.count,
            "q": q,
            "filters": request.GET,
            "units": selectors.units_for(user),
            "levels": Level.choices,
            "may_publish": _may_publish(user),
        },
    )


@login_required
def models(request: HttpRequest) -> HttpResponse:
    """Search the emulation models; filter by year, unit, field and status."""
    user = acting_user(request)
    deny_unless(can(user, "recognition.registry.read", None))
    q = request.GET.get("q", "")
    qs = selectors.models_for(
        user,
        q=q,
        year=_int(request.GET.get("year")),
        unit_id=_int(request.GET.get("unit")),
        field=request.GET.get("field", "")
        if request.GET.get("field") in FieldOfWork.values
        else "",
        status=request.GET.get("status", "")
        if request.GET.get("status") in ModelStatus.values
        else "",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/models.html",
        {
            "page": page,
            "total": page.paginator.count,
            "q": q,
            "filters": request.GET,
            "units": selectors.units_for(user),
            "fields": FieldOfWork.choices,
            "statuses": ModelStatus.choices,
            "may_publish": _may_publish(user),
        },
    )


def _may_publish(user: Any) -> bool:
    return bool(unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER]))


@login_required
def honouree_new(request: HttpRequest) -> HttpResponse:
    """Record a "Người tốt, việc tốt" honouree."""
    user = acting_user(request)
    units = _recording_units(user)
    deny_unless(units.exists())
    form = HonoureeForm(request.POST or None, units=units, may_publish=_may_publish(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_honouree(
                actor=user,
                full_name=data["full_name"],
                unit=data["unit"],
                level=data["level"],
                year=data["year"],
                deed=data["deed"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                public=bool(data.get("public")),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The honouree was recorded."))
            return redirect("recognition:honourees")
    return render(
        request, "recognition/form.html", {"form": form, "title": _("Record an honouree")}
    )


@login_required
def model_new(request: HttpRequest) -> HttpResponse:
    """Record an emulation model."""
    user = acting_user(request)
    units = _recording_units(user)
    deny_unless(units.exists())
    form = ModelForm(request.POST or None, units=units, may_publish=_may_publish(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_model(
                actor=user,
                name=data["name"],
                unit=data["unit"],
                year=data["year"],
                field=data["field"],
                description=data["description"],
                results=data["results"],
                status=data["status"],
                public=bool(data.get("public")),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The model was recorded."))
            return redirect("recognition:models")
    return render(
        request, "recognition/form.html", {"form": form, "title": _("Record an emulation model")}
    )


@require_POST
@login_required
def toggle_public(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Show an entry on the public site or withdraw it (the district office only)."""
    user = acting_user(request)
    entry: Honouree | EmulationModel
    if kind == "honouree":
        entry = get_object_or_404(Honouree, pk=pk)
    elif kind == "model":
        entry = get_object_or_404(EmulationModel, pk=pk)
    else:
        raise Http404
    if not can(user, "recognition.view", entry):
        raise Http404
    try:
        services.set_public(actor=user, entry=entry, public=request.POST.get("public") == "1")
    except AccessDenied:
        deny_unless(False)
    back = request.POST.get("next", "")
    if back.startswith("/recognition/"):
        return redirect(back)
    return redirect("recognition:honourees" if kind == "honouree" else "recognition:models")


@login_required
def report(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Show the counts report of a unit as a web page."""
    user = acting_user(request)
    unit = get_object_or_404(Unit, pk=unit_id)
    if not can(user, "recognition.report", unit):
        raise Http404
    content = documents.report_for(user, unit)
    return render(
        request,
        "recognition/report.html",
        {
            "r": content,
            "unit": unit,
            "summary": documents.summary(content),
            "intro": documents.intro(content),
            "year_header": documents.year_header(),
            "unit_header": documents.unit_header(),
            "units_by_year": [
                (row, content.counts.units.get(int(row.label), ())) for row in content.counts.years
            ],
        },
    )


@login_required
def report_download(request: HttpRequest, unit_id: int, fmt: str) -> HttpResponse:
    """Send the counts report as PDF, DOCX or XLSX."""
    user = acting_user(request)
    unit = get_object_or_404(Unit, pk=unit_id)
    if fmt not in documents.RENDERERS or not can(user, "recognition.report", unit):
        raise Http404
    filename, content_type, data = documents.render(user, unit, fmt)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
