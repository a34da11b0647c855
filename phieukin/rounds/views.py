"""Pages of rounds and conferences: list, create, detail, lifecycle buttons, attendance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from phieukin.accounts.access import AccessDenied, can, permits
from phieukin.core.access import acting_user, require
from phieukin.core.confirm import confirmed
from phieukin.core.errors import DomainError
from phieukin.questionnaires.selectors import questionnaires_for
from phieukin.rounds import services
from phieukin.rounds.forms import (
    AttendanceForm,
    ConferenceDetailsForm,
    RemoveWardForm,
    RoundEditForm,
    RoundForm,
    RoundPlanForm,
)
from phieukin.rounds.lifecycle import RoundAction
from phieukin.rounds.models import Round
from phieukin.rounds.selectors import (
    conference_rows,
    live_counts,
    low_option_labels,
    round_list_for,
    visible_conferences,
    visible_rounds,
)
from phieukin.units.selectors import organised_wards, organiser_units_for, pick_organiser_unit

_reader = permits("round.view")


@require(_reader)
def round_list(request: HttpRequest) -> HttpResponse:
    """List the rounds the user sees."""
    return render(
        request,
        "rounds/round_list.html",
        {
            "rounds": round_list_for(request.user),
            "can_create": organiser_units_for(request.user).exists(),
        },
    )


@require(_reader)
def round_create(request: HttpRequest) -> HttpResponse:
    """Create a draft round organised by a unit at any level (city, district or ward)."""
    organiser_units = list(organiser_units_for(request.user))
    organiser_unit = pick_organiser_unit(organiser_units, request.POST or request.GET)
    if organiser_unit is None or not can(request.user, "round.create", organiser_unit):
        raise PermissionDenied
    day = parse_date(request.POST.get("conference_date", "")) or timezone.localdate()
    form = RoundForm(
        request.POST or None, wards=organised_wards(request.user, organiser_unit, day=day)
    )
    questionnaires = questionnaires_for(request.user).order_by("-created_at")
    questionnaire_field = form.fields["questionnaire"]
    questionnaire_field.queryset = questionnaires  # type: ignore[attr-defined]
    if not form.is_bound:
        form.initial.setdefault("questionnaire", questionnaires.first())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            rnd = services.create_round(
                actor=acting_user(request),
                organiser_unit=organiser_unit,
                title=data.pop("title"),
                year=data.pop("year"),
                number=data.pop("number"),
                questionnaire=data.pop("questionnaire"),
                position_types=data.pop("position_types"),
                wards=data.pop("wards"),
                conference_date=data.pop("conference_date"),
                k_threshold=data.pop("k_threshold"),
                k_comments=data.pop("k_comments"),
                **data,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Round %(title)s was created.") % {"title": rnd.title})
            return redirect("rounds:detail", pk=rnd.pk)
    return render(
        request,
        "rounds/round_form.html",
        {"form": form, "organiser_unit": organiser_unit, "organiser_units": organiser_units},
    )


@require(_reader)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a round: its conferences, leaders, boxes, respondent groups and rules."""
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    return render(
        request,
        "rounds/round_detail.html",
        {
            "round": rnd,
            "can_plan": can(request.user, "round.plan", rnd),
            "rows": conference_rows(request.user, rnd),
            "groups": rnd.respondent_groups.all(),
            "positions": rnd.position_types.all(),
            "can_manage": can(request.user, "round.open", rnd),
            "can_see_reader_checks": can(request.user, "paper.view_checks", rnd),
            "low_labels": low_option_labels(rnd),
        },
    )


def _managed_round(request: HttpRequest, pk: int, action: str) -> Round:
    """Return a round the user sees (else 404) and may act on (else 403)."""
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    if not can(request.user, action, rnd):
        raise PermissionDenied
    return rnd


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    act: Callable[[dict[str, Any]], object],
    done: str,
    done_url: str,
    template: str,
    context: dict[str, Any],
    refusal_on_page: bool = True,
) -> HttpResponse:
    """Run the body the round pages share: validate, call the service, message, redirect.

    A valid POST calls ``act(cleaned_data)``; the service's access refusal is a 403; its
    ``DomainError`` is shown on the page with the error's status (or, when
    *refusal_on_page* is false, as a message after the redirect to *done_url*); success
    shows *done* and redirects to *done_url*. Otherwise *template* is rendered with
    *context* and the form.
    """
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except DomainError as exc:
            if not refusal_on_page:
                messages.error(request, str(exc.message))
                return redirect(done_url)
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, done)
            return redirect(done_url)
    return render(request, template, {**context, "form": form}, status=status)


@require(_reader)
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft round's title, number and rules (district organiser)."""
    rnd = _managed_round(request, pk, "round.edit")
    initial = {name: getattr(rnd, name) for name in services.EDITABLE_FIELDS}
    return _form_page(
        request,
        RoundEditForm(request.POST if request.method == "POST" else None, initial=initial),
        act=lambda data: services.update_round(
            actor=acting_user(request),
            round=rnd,
            **{k: v for k, v in data.items() if v != initial.get(k)},
        ),
        done=_("The round was saved."),
        done_url=reverse("rounds:detail", kwargs={"pk": rnd.pk}),
        template="rounds/round_edit.html",
        context={"round": rnd},
    )


@require(_reader)
def round_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete a draft round with its conferences and boxes (district organiser)."""
    rnd = _managed_round(request, pk, "round.delete")
    if request.method == "POST":
        try:
            services.delete_round(actor=acting_user(request), round=rnd)
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return redirect("rounds:detail", pk=rnd.pk)
        messages.success(request, _("Round %(title)s was deleted.") % {"title": rnd.title})
        return redirect("rounds:list")
    return render(request, "rounds/round_delete.html", {"round": rnd})


@require(_reader)
def conference_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then drop a ward from a round before its box was opened (district organiser)."""
    conference = get_object_or_404(visible_conferences(request.user), pk=pk)
    rnd = _managed_round(request, conference.round_id, "round.remove_ward")
    return _form_page(
        request,
        RemoveWardForm(request.POST if request.method == "POST" else None),
        act=lambda data: services.remove_conference(
            actor=acting_user(request), conference=conference, reason=data["reason"]
        ),
        done=_("%(ward)s was dropped from the round.") % {"ward": conference.unit.name},
        done_url=reverse("rounds:detail", kwargs={"pk": rnd.pk}),
        template="rounds/conference_remove.html",
        context={"conference": conference, "round": rnd},
        refusal_on_page=False,
    )


_TRANSITIONS: dict[str, tuple[Callable[..., Round], Any]] = {
    RoundAction.OPEN: (services.open_round, gettext_lazy("Round %(title)s is open.")),
    RoundAction.CLOSE: (services.close_round, gettext_lazy("Round %(title)s is closed.")),
    RoundAction.PUBLISH: (services.publish_round, gettext_lazy("Round %(title)s is published.")),
}


@require_POST
@require(_reader)
def round_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Open, close or publish a round (district organiser only)."""
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    if action not in _TRANSITIONS:
        raise Http404
    service, done = _TRANSITIONS[action]
    if not confirmed(request):
        # Nothing changes without the confirmation; the access rule still answers first.
        if not can(request.user, f"round.{action}", rnd):
            raise PermissionDenied
        messages.error(
            request,
            _("Nothing was changed: tick the confirmation box next to the button, then try again."),
        )
        return redirect("rounds:detail", pk=rnd.pk)
    try:
        service(actor=acting_user(request), round=rnd)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, str(done) % {"title": rnd.title})
    return redirect("rounds:detail", pk=rnd.pk)


@require(_reader)
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a conference (leaders, box, live counts) and record its attendance."""
    conference = get_object_or_404(
        visible_conferences(request.user).prefetch_related("subjects"), pk=pk
    )
    may_edit = (
        can(request.user, "conference.record_attendance", conference)
        and conference.box.takes_attendance
        # Once the box is open, a change is proposed and confirmed on the box's page.
        and conference.box.opened_at is None
    )
    form = AttendanceForm(
        request.POST or None,
        initial={"invited": conference.invited_count, "present": conference.present_count},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.record_attendance(
                actor=acting_user(request),
                conference=conference,
                invited=form.cleaned_data["invited"],
                present=form.cleaned_data["present"],
            )
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
            if not may_edit:  # the form is not shown: say why nothing changed
                messages.error(request, str(exc.message))
                status = exc.status
        else:
            messages.success(request, _("Attendance was recorded."))
            return redirect("rounds:conference", pk=conference.pk)
    return render(
        request,
        "rounds/conference_detail.html",
        {
            "conference": conference,
            "round": conference.round,
            "counts": live_counts([conference.box.pk])[conference.box.pk],
            "form": form if may_edit else None,
            "can_details": can(request.user, "conference.record_details", conference)
            and conference.box.state != "sealed",
        },
        status=status,
    )


@require(_reader)
def conference_details(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the conference details the counting minutes print (until sealing)."""
    conference = get_object_or_404(visible_conferences(request.user), pk=pk)
    if not can(request.user, "conference.record_details", conference):
        raise PermissionDenied
    form = ConferenceDetailsForm(
        request.POST or None,
        initial={
            "place": conference.place,
            "starts_at": conference.starts_at,
            "chair": conference.chair,
            "secretary": conference.secretary,
            "committee": "\n".join(conference.committee or []),
        },
    )
    return _form_page(
        request,
        form,
        act=lambda data: services.record_conference_details(
            actor=acting_user(request),
            conference=conference,
            place=data["place"],
            starts_at=data["starts_at"],
            chair=data["chair"],
            secretary=data["secretary"],
            committee=data["committee"],
        ),
        done=_("The conference details were recorded."),
        done_url=reverse("rounds:conference", kwargs={"pk": conference.pk}),
        template="rounds/conference_details.html",
        context={
            "conference": conference,
            "round": conference.round,
            "sealed": conference.box.state == "sealed",
        },
    )


@require(_reader)
def round_live(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the live-count table of a round (refreshed by htmx on open rounds)."""
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    return render(
        request,
        "rounds/_conference_table.html",
        {"round": rnd, "rows": conference_rows(request.user, rnd)},
    )


@require(_reader)
def round_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the plan the round carries out ("Kế hoạch số 104-KH/QU ngày 11/02/2022")."""
    rnd = get_object_or_404(visible_rounds(request.user), pk=pk)
    if not can(request.user, "round.plan", rnd):
        raise PermissionDenied
    form = RoundPlanForm(
        request.POST or None,
        initial={
            "plan_number": rnd.plan_number,
            "plan_date": rnd.plan_date,
            "plan_issuer": rnd.plan_issuer,
        },
    )
    return _form_page(
        request,
        form,
        act=lambda data: services.record_round_plan(
            actor=acting_user(request),
            round=rnd,
            number=data["plan_number"],
            day=data["plan_date"],
            issuer=data["plan_issuer"],
        ),
        done=_("The plan of the round was recorded."),
        done_url=reverse("rounds:detail", kwargs={"pk": rnd.pk}),
        template="rounds/round_plan.html",
        context={"round": rnd},
    )
