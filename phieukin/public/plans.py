"""Public pages of posted self-cultivation plans (niêm yết) and citizen feedback.

No login. A unit's page shows only the posted plans' text and the feedback that the
unit's office approved and the head answered — nothing from any report. Sending
feedback needs the page's signed, timed form token, leaves the honeypot field empty and
is rate-limited per client in the shared cache; the client address is never stored.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from phieukin.core.errors import DomainError
from phieukin.followup import documents, ratelimit, selectors, services, tokens
from phieukin.followup.forms import FeedbackForm
from phieukin.followup.models import CultivationPlan


def _grouped(plan: CultivationPlan) -> dict[str, object]:
    return {
        "plan": plan,
        "areas": documents.grouped_commitments(plan),
        "feedback": selectors.public_feedback(plan),
    }


@never_cache
def unit_plans(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Show a unit's posted self-cultivation plans with their answered feedback."""
    unit = selectors.public_unit(unit_id)
    if unit is None:
        raise Http404
    plans = [_grouped(p) for p in selectors.posted_plans(unit.pk)]
    return render(request, "public/plans/unit.html", {"unit": unit, "plans": plans})


@never_cache
@require_http_methods(["GET", "POST"])
def plan_feedback(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Show one posted plan and take a citizen's feedback on it (queued for moderation)."""
    plan = selectors.posted_plan(plan_id)
    if plan is None:
        raise Http404
    status = 200
    sent = False
    form = FeedbackForm(request.POST or None, initial={"token": tokens.feedback_token(plan.pk)})
    if request.method == "POST":
        key = ratelimit.client_key(request)
        if ratelimit.is_limited(key):
            form.add_error(None, _("You have sent a lot of feedback. Please try again later."))
            status = 429
        elif form.is_valid():
            ratelimit.record(key)
            try:
                services.submit_feedback(
                    plan=plan,
                    body=form.cleaned_data["body"],
                    name=form.cleaned_data["name"],
                    token=form.cleaned_data["token"],
                    honeypot=form.cleaned_data["website"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                sent = True
                form = FeedbackForm(initial={"token": tokens.feedback_token(plan.pk)})
        else:
            status = 400
    return render(
        request,
        "public/plans/plan.html",
        {**_grouped(plan), "form": form, "sent": sent, "unit": plan.unit},
        status=status,
    )
