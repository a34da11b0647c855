"""Pages of the professional criteria: sets, commitments, quarterly assessments, reminders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import AccessDenied, can
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for
from phieukin.core.access import acting_user, deny_unless
from phieukin.core.errors import DomainError
from phieukin.core.uploads import UploadRefused, upload_limit
from phieukin.criteria import scoring, selectors, services
from phieukin.criteria.fileio import dump_yaml
from phieukin.criteria.forms import CommitmentForm, ScoresForm, UploadForm
from phieukin.criteria.models import AssessmentState, Commitment
from phieukin.units.models import Person, Unit


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


def _quarter(request: HttpRequest, default: int) -> int:
    try:
        value = int(request.GET.get("quarter", ""))
    except ValueError:
        return default
    return value if value in scoring.QUARTERS else default


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """List the year's commitments with their quarters, and each unit's quarter result."""
    user = acting_user(request)
    deny_unless(can(user, "criteria.read", None))
    year = _year(request)
    today = timezone.localdate()
    default_q = scoring.quarter_of(today)[1] if year == today.year else 4
    quarter = _quarter(request, default_q)
    commitments = list(
        selectors.commitments_for(user, year=year)
        .prefetch_related("assessments")
        .order_by("unit__sort_key", "person__sort_key")
    )
    rows = []
    for c in commitments:
        states = {a.quarter: a for a in c.assessments.all()}
        rows.append({"commitment": c, "quarters": [states.get(q) for q in scoring.QUARTERS]})
    return render(
        request,
        "criteria/index.html",
        {
            "year": year,
            "quarter": quarter,
            "years": range(today.year - 3, today.year + 2),
            "quarters": scoring.QUARTERS,
            "rows": rows,
            "units": selectors.unit_quarter_results(user, year=year, quarter=quarter),
            "can_commit": bool(
                unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER])
            ),
            "can_remind": can(user, "criteria.remind", None),
            "can_import": can(user, "criteria.import", None),
        },
    )


@login_required
def set_list(request: HttpRequest) -> HttpResponse:
    """List the criteria sets and their versions."""
    user = acting_user(request)
    deny_unless(can(user, "criteria.read", None))
    return render(
        request,
        "criteria/set_list.html",
        {"sets": selectors.criteria_sets(), "can_import": can(user, "criteria.import", None)},
    )


@login_required
def set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a set's groups, criteria and levels."""
    user = acting_user(request)
    deny_unless(can(user, "criteria.read", None))
    criteria_set = get_object_or_404(selectors.criteria_sets(), pk=pk)
    return render(
        request,
        "criteria/set_detail.html",
        {"set": criteria_set, "criteria": criteria_set.criteria.order_by("order")},
    )


@login_required
def set_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the set as YAML that can be imported again (as a new version)."""
    from phieukin.criteria.fileio import CriteriaSetSpec, CriterionSpec, LevelSpec

    user = acting_user(request)
    deny_unless(can(user, "criteria.read", None))
    s = get_object_or_404(selectors.criteria_sets(), pk=pk)
    spec = CriteriaSetSpec(
        code=s.code,
        version=s.version,
        title=s.title,
        description=s.description,
        levels=tuple(
            LevelSpec(str(lv["key"]), str(lv["label"]), int(lv["min_percent"])) for lv in s.levels
        ),
        criteria=tuple(
            CriterionSpec(c.key, c.group_key, c.group_title, c.text, c.max_score, c.order)
            for c in s.criteria.order_by("order")
        ),
    )
    response = HttpResponse(dump_yaml(spec), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{s.code}-v{s.version}.yaml"'
    return response


@upload_limit(services.CRITERIA_MAX_BYTES + 64 * 1024)
@login_required
def set_upload(request: HttpRequest) -> HttpResponse:
    """Import a criteria set from YAML or XLSX; nothing is saved when the file is wrong.

    A file of another kind (by its content) or too large answers 415 or 413 with the page
    and its message; a body above the limit is refused before it is read.
    """
    user = acting_user(request)
    deny_unless(can(user, "criteria.import", None))
    form = UploadForm(request.POST or None, request.FILES or None)
    file_error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            criteria_set = services.import_criteria_set(
                actor=user, filename=upload.name, data=upload.read()
            )
        except UploadRefused as exc:
            file_error = str(exc.message)
            status = exc.status
        except DomainError as exc:
            file_error = str(exc.message)
        else:
            messages.success(
                request, _("The criteria set %(set)s was imported.") % {"set": criteria_set}
            )
            return redirect("criteria:set_detail", pk=criteria_set.pk)
    return render(
        request,
        "criteria/set_upload.html",
        {"form": form, "file_error": file_error},
        status=status,
    )


def _people_and_units(user: Any) -> tuple[Any, Any]:
    units = unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER])
    people = Person.objects.filter(tenures__position__unit_id__in=units).distinct()
    return people.order_by("sort_key"), Unit.objects.filter(pk__in=units).order_by("sort_key")


@login_required
def commitment_new(request: HttpRequest) -> HttpResponse:
    """Record an official's commitment to a criteria set for a year."""
    user = acting_user(request)
    people, units = _people_and_units(user)
    deny_unless(units.exists())
    form = CommitmentForm(
        request.POST or None,
        people=people,
        units=units,
        sets=selectors.criteria_sets(),
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.commit_to_criteria(
                actor=user,
                person=data["person"],
                unit=data["unit"],
                year=data["year"],
                criteria_set=data["criteria_set"],
                position_title=data["position_title"],
                pledge=data["pledge"],
            )
        except AccessDenied:
            form.add_error("unit", _("You may not record commitments for this unit."))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The commitment was recorded."))
            return redirect("criteria:commitment", pk=commitment.pk)
    return render(request, "criteria/commitment_new.html", {"form": form})


def _commitment(request: HttpRequest, pk: int) -> Commitment:
    commitment = get_object_or_404(
        Commitment.objects.select_related("person", "unit", "criteria_set"), pk=pk
    )
    if not can(request.user, "criteria.view", commitment):
        raise Http404
    return commitment


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a commitment and its four quarters."""
    commitment = _commitment(request, pk)
    results = selectors.quarterly_results(
        request.user, person_id=commitment.person_id, year=commitment.year
    )
    return render(
        request,
        "criteria/commitment_detail.html",
        {"c": commitment, "results": results[0] if results else None},
    )


@login_required
def assessment(request: HttpRequest, pk: int, quarter: int) -> HttpResponse:
    """Show a quarter's assessment; the official fills it in, the manager reviews it."""
    if quarter not in scoring.QUARTERS:
        raise Http404
    user = acting_user(request)
    commitment = _commitment(request, pk)
    current, rows = selectors.assessment_rows(commitment, quarter)
    criteria = [r["criterion"] for r in rows]
    state = current.state if current is not None else ""
    may_assess = can(user, "criteria.assess", commitment) and state in (
        "",
        AssessmentState.DRAFT,
        AssessmentState.RETURNED,
    )
    may_review = can(user, "criteria.review", commitment) and state == AssessmentState.SUBMITTED
    form = None
    if may_assess:
        initial: dict[str, Any] = {"comment": current.self_comment if current else ""}
        for r in rows:
            if r["score"] is not None:
                initial[f"score_{r['criterion'].pk}"] = r["score"].self_score
        form = ScoresForm(
            request.POST or None,
            criteria=criteria,
            initial=initial,
            comment_label=_("Self-assessment (what was done, what was not)"),
        )
    elif may_review:
        initial = {f"score_{r['criterion'].pk}": r["score"].self_score for r in rows if r["score"]}
        form = ScoresForm(
            request.POST or None,
            criteria=criteria,
            initial=initial,
            comment_label=_("Manager's comment"),
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                if may_assess:
                    submit = "submit" in request.POST
                    services.save_self_assessment(
                        actor=user,
                        commitment=commitment,
                        quarter=quarter,
                        scores=form.scores(),
                        comment=form.cleaned_data["comment"],
                        submit=submit,
                    )
                    messages.success(
                        request,
                        _("The self-assessment was submitted for review.")
                        if submit
                        else _("The draft was saved."),
                    )
                else:
                    assert current is not None
                    approve = "return" not in request.POST
                    services.review_assessment(
                        actor=user,
                        assessment=current,
                        scores=form.scores(),
                        comment=form.cleaned_data["comment"],
                        approve=approve,
                    )
                    messages.success(
                        request,
                        _("The assessment was reviewed.")
                        if approve
                        else _("The assessment was returned to the official."),
                    )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("criteria:assessment", pk=pk, quarter=quarter)
    return render(
        request,
        "criteria/assessment.html",
        {
            "c": commitment,
            "quarter": quarter,
            "a": current,
            "rows": rows,
            "form": form,
            "may_assess": may_assess,
            "may_review": may_review,
            "start": scoring.quarter_start(commitment.year, quarter),
            "end": scoring.quarter_end(commitment.year, quarter),
        },
    )


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """List the quarter's undone self-assessments and reviews; queue reminders."""
    user = acting_user(request)
    deny_unless(can(user, "criteria.remind", None))
    default_year, default_q = scoring.last_ended_quarter(timezone.localdate())
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or default_year)
        quarter = int(request.POST.get("quarter") or request.GET.get("quarter") or default_q)
    except ValueError as exc:
        raise Http404 from exc
    if quarter not in scoring.QUARTERS or not 2000 <= year <= 2100:
        raise Http404
    if request.method == "POST":
        units = unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER])
        commitments = list(selectors.commitments_for(user, year=year).filter(unit_id__in=units))
        queued = services.queue_reminders(
            actor=user, year=year, quarter=quarter, commitments=commitments
        )
        messages.success(request, _("%(n)s new reminder(s) were queued.") % {"n": len(queued)})
        return redirect(f"{request.path}?year={year}&quarter={quarter}")
    return render(
        request,
        "criteria/reminders.html",
        {
            "year": year,
            "quarter": quarter,
            "quarters": scoring.QUARTERS,
            "items": selectors.outstanding_for(user, year=year, quarter=quarter),
            "queued": selectors.reminders_for(user).filter(commitment__year=year, quarter=quarter),
        },
    )
