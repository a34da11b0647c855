"""Pages of the annual review: years, the table per unit and scope, one grading's steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from phieukin.accounts.access import AccessDenied, can
from phieukin.core.access import acting_user
from phieukin.core.errors import DomainError
from phieukin.grading import documents, evidence, rules, selectors, services
from phieukin.grading.forms import StepForm, YearForm
from phieukin.grading.models import Grading, Step
from phieukin.grading.texts import level_label

STEPS = {
    "self": ("grading.self_assess", services.self_assess),
    "propose": ("grading.propose", services.propose),
    "decide": ("grading.decide", services.decide),
}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """List the years the user reads; the organiser opens a new year."""
    units = selectors.organised_units(request.user)
    if request.method == "POST" and not units.exists():
        raise PermissionDenied
    form = YearForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            year = services.open_grading_year(
                actor=acting_user(request),
                organiser_unit=form.cleaned_data["organiser_unit"],
                year=form.cleaned_data["year"],
                regulation=form.cleaned_data["regulation"] or None,
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The review of %(year)s was opened.") % {"year": year.year})
            return redirect("grading:year", pk=year.pk)
    years = list(selectors.years_for(request.user))
    rows = []
    for year in years:
        visible = list(selectors.gradings_for(request.user).filter(year=year))
        rows.append(
            {
                "year": year,
                "counts": selectors.step_counts(visible),
                "exceeded": selectors.exceeded_caps(year)
                if can(request.user, "grading.view_year", year)
                else [],
                "regulation": rules.rulebook().regulation(year.regulation),
            }
        )
    return render(
        request,
        "grading/index.html",
        {"rows": rows, "form": form, "can_open": units.exists()},
    )


@require_GET
@login_required
def year_table(request: HttpRequest, pk: int) -> HttpResponse:
    """The table of a year: every grading the user reads, per unit, and the cap per group."""
    year = selectors.year_for(request.user, pk)
    if year is None:
        raise Http404
    unit_raw = request.GET.get("unit", "")
    unit_id = int(unit_raw) if unit_raw.isdigit() else None
    gradings = list(selectors.gradings_for(request.user, unit_id=unit_id).filter(year=year))
    whole = can(request.user, "grading.view_year", year)
    units = sorted(
        {g.unit for g in selectors.gradings_for(request.user).filter(year=year)},
        key=lambda u: u.sort_key,
    )
    return render(
        request,
        "grading/year.html",
        {
            "year": year,
            "regulation": rules.rulebook().regulation(year.regulation),
            "gradings": gradings,
            "caps": selectors.cap_checks(year) if whole else (),
            "counts": selectors.step_counts(gradings),
            "units": units,
            "unit_id": unit_id,
            "levels": rules.rulebook().levels,
        },
    )


def _grading(request: HttpRequest, pk: int) -> Grading:
    grading = selectors.gradings_for(request.user).filter(pk=pk).first()
    if grading is None:
        raise Http404
    return grading


@require_GET
@login_required
def grading_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One grading: its three steps, the form of the step the reader may take, the evidence."""
    grading = _grading(request, pk)
    regulation = rules.rulebook().regulation(grading.year.regulation)
    uses_points = regulation.points is not None
    forms = {}
    for key, (action, _service) in STEPS.items():
        if can(request.user, action, grading) and _open(grading, key):
            forms[key] = StepForm(points=uses_points, prefix=key)
    group_caps = [c for c in selectors.cap_checks(grading.year) if c.group == grading.peer_group]
    return render(
        request,
        "grading/grading.html",
        {
            "grading": grading,
            "regulation": regulation,
            "uses_points": uses_points,
            "forms": forms,
            "evidence": evidence.gather(request.user, grading),
            "cap": group_caps[0] if group_caps else None,
            "labels": {
                "self": level_label(grading.self_grade),
                "proposed": level_label(grading.proposed_grade),
                "decided": level_label(grading.decided_grade),
            },
        },
    )


def _open(grading: Grading, key: str) -> bool:
    if key == "self":
        return grading.step in (Step.PENDING, Step.SELF_ASSESSED)
    if key == "propose":
        return grading.step in (Step.SELF_ASSESSED, Step.PROPOSED)
    return grading.step == Step.PROPOSED


@login_required
@require_POST
def take_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Record one step through its service (which checks the role and the order)."""
    grading = _grading(request, pk)
    if step not in STEPS:
        raise Http404
    regulation = rules.rulebook().regulation(grading.year.regulation)
    form = StepForm(request.POST, points=regulation.points is not None, prefix=step)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("grading:grading", pk=pk)
    data = form.cleaned_data
    _action, service = STEPS[step]
    try:
        done = service(
            actor=acting_user(request),
            grading=grading,
            text=data.get("text", ""),
            grade=data.get("grade") or None,
            general=data.get("general"),
            tasks=data.get("tasks"),
        )
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("grading:grading", pk=pk)
    messages.success(
        request, _("Recorded: %(grade)s.") % {"grade": level_label(done.current_grade)}
    )
    for check in selectors.exceeded_caps(done.year):
        if check.group == done.peer_group:
            messages.warning(request, cap_warning(check))
    return redirect("grading:grading", pk=pk)


def cap_warning(check: rules.CapCheck) -> str:
    """Return the warning shown when a group exceeds the excellent-to-good cap."""
    return _(
        "Cap exceeded in “%(group)s”: %(excellent)s graded excellent, but at most %(allowed)s "
        "may be (%(share)s %% of the %(good)s graded good)."
    ) % {
        "group": check.group,
        "excellent": check.excellent,
        "allowed": check.allowed,
        "share": int(check.cap * 100),
        "good": check.good,
    }


@require_GET
@login_required
def review_form(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the review form (bản kiểm điểm) as DOCX, for editing and signing."""
    grading = _grading(request, pk)
    response = HttpResponse(
        documents.review_form_docx(grading, request.user),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"ban-kiem-diem-{grading.year.year}-{grading.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
