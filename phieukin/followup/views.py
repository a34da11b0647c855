"""Back-office pages of the follow-through: thin, every decision is a service's.

Objects are looked up through scoped selectors; a refusal of access answers 404 (so a
plan's existence is not revealed either), a broken domain rule shows its message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phieukin.accounts import permissions
from phieukin.accounts.access import AccessDenied, can
from phieukin.accounts.web import perform
from phieukin.core.access import acting_user, require
from phieukin.core.uploads import upload_limit
from phieukin.followup import documents, exports, lifecycle, selectors, services
from phieukin.followup import evidence as evidence_files
from phieukin.followup.forms import (
    AnswerForm,
    CommentForm,
    CultivationForm,
    MeasureForm,
    NoteForm,
    ProgressForm,
    ReasonForm,
    ResponseForm,
)
from phieukin.followup.models import (
    Area,
    CitizenFeedback,
    CultivationPlan,
    Measure,
    RemediationPlan,
)
from phieukin.rounds.models import Round
from phieukin.units.models import Unit

uses_followup = selectors.uses_followup


def _found(lookup: Callable[[], Any]) -> Any:
    try:
        return lookup()
    except AccessDenied:
        raise Http404 from None


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


def _do(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service call; follow-through objects a user may not see answer 404, not 403."""
    return perform(request, action, success, hide=True)


@require(uses_followup)
def index(request: HttpRequest) -> HttpResponse:
    """Show what the user has to do and to watch in the follow-through."""
    user = request.user
    year = _year(request)
    context: dict[str, Any] = {
        "year": year,
        "years": range(timezone.localdate().year, 2021, -1),
        "own_subjects": [
            (s, selectors.current_plan(s), selectors.response_for(user, s))
            for s in selectors.own_subjects(user)
        ],
        "own_heads": [
            (
                h,
                CultivationPlan.objects.filter(
                    person_id=h.person_id, unit_id=h.unit_id, year=year
                ).first(),
            )
            for h in selectors.own_heads(user, year)
        ],
        "to_answer": selectors.feedback_to_answer(user),
        "overdue": selectors.overdue_measures(user),
        "to_review": selectors.reviewable_plans(user),
        "to_moderate": selectors.pending_feedback(user),
        "rounds": selectors.status_rounds(user),
        "rate": selectors.posting_rate_for(user, year) if selectors.scope_units(user) else None,
        "cultivation": selectors.visible_cultivation_plans(user, year)
        if not permissions.is_leader(user)
        else CultivationPlan.objects.none(),
    }
    return render(request, "followup/index.html", context)


@require(uses_followup)
def subject_page(request: HttpRequest, subject_id: int) -> HttpResponse:
    """Show a leader's response and plan versions for one report; the leader writes them."""
    subject = _found(lambda: selectors.subject_for(request.user, subject_id))
    response = selectors.response_for(request.user, subject)
    is_owner = selectors.can_edit(request.user, subject)
    form = ResponseForm(
        request.POST or None,
        initial={"accepted": response.accepted, "explained": response.explained}
        if response
        else None,
    )
    if (
        request.method == "POST"
        and is_owner
        and form.is_valid()
        and _do(
            request,
            lambda: services.save_response(
                actor=acting_user(request),
                subject=subject,
                accepted=form.cleaned_data["accepted"],
                explained=form.cleaned_data["explained"],
            ),
            _("Your response was saved."),
        )
    ):
        return redirect("followup:subject", subject.pk)
    return render(
        request,
        "followup/subject.html",
        {
            "subject": subject,
            "response": response,
            "form": form,
            "is_owner": is_owner,
            "versions": selectors.plan_versions(subject),
            "flagged": selectors.flagged_items(subject),
        },
    )


@require(uses_followup)
@require_POST
def plan_start(request: HttpRequest, subject_id: int) -> HttpResponse:
    subject = _found(lambda: selectors.subject_for(request.user, subject_id))
    result: dict[str, RemediationPlan] = {}

    def start() -> None:
        result["plan"] = services.start_plan(actor=acting_user(request), subject=subject)

    if _do(request, start, _("The draft plan was created from the flagged items.")):
        return redirect("followup:plan", result["plan"].pk)
    return redirect("followup:subject", subject.pk)


@require(uses_followup)
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Show one plan version: measures, progress, and the buttons of its workflow."""
    plan = _found(lambda: selectors.plan_for(request.user, plan_id))
    measures = selectors.measures_of(plan)
    today = timezone.localdate()
    owner = selectors.can_edit(request.user, plan)
    in_force = plan.superseded_at is None
    actions = lifecycle.allowed_actions(plan.state) if in_force else []
    return render(
        request,
        "followup/plan.html",
        {
            "plan": plan,
            "measures": [(m, selectors.is_overdue(m, today)) for m in measures],
            "owner": owner,
            "reviewer": selectors.can_review(request.user, plan),
            "can_submit": owner and "submit" in actions,
            "can_review": selectors.can_review(request.user, plan) and "approve" in actions,
            "can_begin": owner and "start" in actions,
            "can_complete": owner and "complete" in actions,
            "editable": owner and plan.state in lifecycle.EDITABLE,
            "reportable": owner and in_force and plan.state in lifecycle.REPORTABLE,
            "revisable": owner
            and in_force
            and plan.state in lifecycle.REVISABLE
            and not RemediationPlan.objects.filter(previous=plan).exists(),
            "measure_form": MeasureForm(),
            "progress_form": ProgressForm(),
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "versions": selectors.plan_versions(plan.subject),
        },
    )


@require(uses_followup)
@require_POST
def plan_action(request: HttpRequest, plan_id: int, action: str) -> HttpResponse:
    """Submit, approve, return, begin, complete or revise a plan."""
    plan = _found(lambda: selectors.plan_for(request.user, plan_id))
    actor = acting_user(request)
    comment = request.POST.get("comment", "")
    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "submit": (
            lambda: services.submit_plan(actor=actor, plan=plan),
            _("The plan was sent for review."),
        ),
        "approve": (
            lambda: services.approve_plan(actor=actor, plan=plan, comment=comment),
            _("The plan was approved."),
        ),
        "return": (
            lambda: services.return_plan(actor=actor, plan=plan, comment=comment),
            _("The plan was returned with comments."),
        ),
        "start": (
            lambda: services.begin_plan(actor=actor, plan=plan),
            _("The plan is now in progress."),
        ),
        "complete": (
            lambda: services.complete_plan(actor=actor, plan=plan),
            _("The plan was completed."),
        ),
    }
    if action == "revise":
        result: dict[str, RemediationPlan] = {}

        def revise() -> None:
            result["plan"] = services.revise_plan(
                actor=actor, plan=plan, reason=request.POST.get("reason", "")
            )

        if _do(
            request, revise, _("A new version was started; it replaces the plan once approved.")
        ):
            return redirect("followup:plan", result["plan"].pk)
        return redirect("followup:plan", plan.pk)
    if action not in calls:
        raise Http404
    call, success = calls[action]
    _do(request, call, success)
    return redirect("followup:plan", plan.pk)


def _measure_data(form: MeasureForm, measure: Measure | None) -> services.MeasureInput:
    data = form.cleaned_data
    return services.MeasureInput(
        action=data["action"],
        responsible=data["responsible"],
        deadline=data["deadline"],
        expected_result=data["expected_result"],
        item_key=measure.item_key if measure else "",
        item_text=data.get("item_text", ""),
    )


@require(uses_followup)
def measure_edit(request: HttpRequest, plan_id: int, measure_id: int | None = None) -> HttpResponse:
    """Add a measure to a draft plan or change one."""
    plan = _found(lambda: selectors.plan_for(request.user, plan_id))
    measure = plan.measures.filter(pk=measure_id).first() if measure_id else None
    if (measure_id and measure is None) or not selectors.can_edit(request.user, plan):
        raise Http404
    initial = (
        {
            "item_text": measure.item_text,
            "action": measure.action,
            "responsible": measure.responsible,
            "deadline": measure.deadline,
            "expected_result": measure.expected_result,
        }
        if measure
        else None
    )
    form = MeasureForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _do(
            request,
            lambda: services.save_measure(
                actor=acting_user(request),
                plan=plan,
                measure=measure,
                data=_measure_data(form, measure),
            ),
            _("The measure was saved."),
        )
    ):
        return redirect("followup:plan", plan.pk)
    return render(
        request, "followup/measure_form.html", {"plan": plan, "measure": measure, "form": form}
    )


@require(uses_followup)
@require_POST
def measure_delete(request: HttpRequest, plan_id: int, measure_id: int) -> HttpResponse:
    plan = _found(lambda: selectors.plan_for(request.user, plan_id))
    measure = plan.measures.filter(pk=measure_id).first()
    if measure is None:
        raise Http404
    _do(
        request,
        lambda: services.remove_measure(actor=acting_user(request), measure=measure),
        _("The measure was removed."),
    )
    return redirect("followup:plan", plan.pk)


def _progress_body_limit() -> int:
    """The evidence limit plus room for the form's other fields."""
    return evidence_files.max_bytes() + 64 * 1024


@upload_limit(_progress_body_limit)
@require(uses_followup)
@require_POST
def measure_progress(request: HttpRequest, plan_id: int, measure_id: int) -> HttpResponse:
    """Record progress on a measure, with an optional evidence file."""
    plan = _found(lambda: selectors.plan_for(request.user, plan_id))
    measure = plan.measures.filter(pk=measure_id).first()
    if measure is None:
        raise Http404
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Progress is a percentage from 0 to 100."))
        return redirect("followup:plan", plan.pk)
    _do(
        request,
        lambda: services.report_progress(
            actor=acting_user(request),
            measure=measure,
            percent=form.cleaned_data["percent"],
            note=form.cleaned_data["note"],
            upload=form.cleaned_data.get("evidence"),
        ),
        _("Progress was recorded."),
    )
    return redirect("followup:plan", plan.pk)


@require(uses_followup)
def evidence(request: HttpRequest, update_id: int) -> HttpResponse:
    """Download an evidence file (readers of the plan only); never rendered inline."""
    update = _found(lambda: selectors.evidence_for(request.user, update_id))
    with update.evidence.open("rb") as stored:
        data = stored.read()
    response = HttpResponse(data, content_type=update.evidence_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, update.evidence_name or "evidence") or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require(uses_followup)
def round_status(request: HttpRequest, round_id: int) -> HttpResponse:
    """Show every leader's response and plan status for a round."""
    rnd = Round.objects.filter(pk=round_id).first()
    if rnd is None:
        raise Http404
    rows = _found(lambda: selectors.remediation_status(request.user, rnd))
    return render(
        request,
        "followup/round_status.html",
        {"round": rnd, "rows": rows, "formats": exports.FORMATS},
    )


@require(uses_followup)
def report(request: HttpRequest) -> HttpResponse:
    """The follow-through report of the user's scope: plan status, posting rate, overdue."""
    year = _year(request)
    content = _found(lambda: exports.build_report(request.user, year=year))
    return render(
        request,
        "followup/report.html",
        {
            "report": content,
            "year": year,
            "formats": exports.FORMATS,
            "years": range(timezone.localdate().year, 2021, -1),
        },
    )


@require(uses_followup)
def report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    year = _year(request)
    content = _found(lambda: exports.build_report(request.user, year=year))
    rendered = exports.render(content, fmt)
    response = HttpResponse(rendered.data, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- Self-cultivation plans -----------------------------------------------------------------


@require(uses_followup)
def cultivation_edit(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    """Write (until posted) the signed-in head's self-cultivation plan for a unit and year."""
    user = acting_user(request)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or user.person_id is None:
        raise Http404
    head = selectors.head_for(person_id=user.person_id, unit=unit, year=year)
    if head is None or not permissions.is_leader(user):
        raise Http404
    plan = CultivationPlan.objects.filter(person_id=user.person_id, unit=unit, year=year).first()
    initial: dict[str, Any] = {}
    if plan is not None:
        initial["intro"] = plan.intro
        for value, _label in Area.choices:
            initial[f"area_{value}"] = "\n".join(
                c.text for c in plan.commitments.all() if c.area == value
            )
    form = CultivationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        result: dict[str, CultivationPlan] = {}

        def save() -> None:
            result["plan"] = services.save_cultivation_plan(
                actor=user,
                person_id=user.person_id or 0,
                unit=unit,
                year=year,
                intro=form.cleaned_data["intro"],
                commitments=[services.CommitmentInput(a, t) for a, t in form.commitments()],
            )

        if _do(request, save, _("The plan was saved. Post it when it is final.")):
            return redirect("followup:cultivation", result["plan"].pk)
    return render(
        request,
        "followup/cultivation_form.html",
        {"form": form, "head": head, "year": year, "plan": plan},
    )


@require(uses_followup)
def cultivation_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Show a self-cultivation plan with its notes and feedback, and the actions allowed."""
    plan = _found(lambda: selectors.cultivation_plan_for(request.user, plan_id))
    user = request.user
    return render(
        request,
        "followup/cultivation.html",
        {
            "plan": plan,
            "owner": can(user, "followup.cultivation.edit", plan),
            "supervisor": can(user, "followup.cultivation.supervise", plan),
            "moderator": can(user, "followup.feedback.moderate", plan),
            "notes": plan.notes.select_related("author"),
            "feedback": plan.feedback.all(),
            "note_form": NoteForm(),
            "answer_form": AnswerForm(),
        },
    )


@require(uses_followup)
@require_POST
def cultivation_post(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _found(lambda: selectors.cultivation_plan_for(request.user, plan_id))
    _do(
        request,
        lambda: services.post_cultivation_plan(actor=acting_user(request), plan=plan),
        _("The plan is posted on the unit's public page."),
    )
    return redirect("followup:cultivation", plan.pk)


@require(uses_followup)
def cultivation_poster(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Download the A4 poster of a posted plan, with the QR code of its public page."""
    plan = _found(lambda: selectors.cultivation_plan_for(request.user, plan_id))
    if not plan.is_posted:
        raise Http404
    response = HttpResponse(documents.poster_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="niem-yet-{plan.year}-{plan.pk}.pdf"'
    return response


@require(uses_followup)
@require_POST
def cultivation_note(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _found(lambda: selectors.cultivation_plan_for(request.user, plan_id))
    form = NoteForm(request.POST)
    text = form.data.get("text", "")
    _do(
        request,
        lambda: services.add_supervision_note(actor=acting_user(request), plan=plan, text=text),
        _("The supervision note was recorded."),
    )
    return redirect("followup:cultivation", plan.pk)


@require(uses_followup)
def moderation(request: HttpRequest) -> HttpResponse:
    """The office's queue of citizen feedback waiting for moderation."""
    return render(
        request, "followup/moderation.html", {"pending": selectors.pending_feedback(request.user)}
    )


def _feedback(request: HttpRequest, feedback_id: int) -> CitizenFeedback:
    feedback = CitizenFeedback.objects.select_related("plan").filter(pk=feedback_id).first()
    if feedback is None or not can(request.user, "followup.cultivation.view", feedback.plan):
        raise Http404
    return feedback


@require(uses_followup)
@require_POST
def feedback_moderate(request: HttpRequest, feedback_id: int) -> HttpResponse:
    feedback = _feedback(request, feedback_id)
    publish = request.POST.get("decision") == "publish"
    _do(
        request,
        lambda: services.moderate_feedback(
            actor=acting_user(request), feedback=feedback, publish=publish
        ),
        _("Approved; it is shown once the head answers.") if publish else _("Rejected."),
    )
    return redirect("followup:moderation")


@require(uses_followup)
@require_POST
def feedback_answer(request: HttpRequest, feedback_id: int) -> HttpResponse:
    feedback = _feedback(request, feedback_id)
    _do(
        request,
        lambda: services.answer_feedback(
            actor=acting_user(request), feedback=feedback, answer=request.POST.get("answer", "")
        ),
        _("Your answer is published."),
    )
    return redirect("followup:cultivation", feedback.plan_id)
