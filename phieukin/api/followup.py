"""Follow-through routes of the API: posted plans and citizen feedback (public), and the
remediation status of a round (token, scoped). Mounted in :mod:`phieukin.api.api`.

The public routes show only what the public pages show: posted plan text and answered
feedback. ``GET …/plans`` hands out a signed, timed ``feedback_token`` per plan that
``POST …/feedback`` requires; the honeypot field ``website`` must stay empty (a filled one
is answered 202 and stored nowhere); submissions are rate-limited per client (429).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import User
from phieukin.api.auth import TokenAuth
from phieukin.api.schemas import ErrorOut
from phieukin.core.errors import DomainError
from phieukin.followup import documents, ratelimit, selectors, services, tokens
from phieukin.rounds.models import Round

router = Router()
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


class CommitmentOut(Schema):
    area: str
    area_label: str
    text: str


class PublicFeedbackOut(Schema):
    name: str
    body: str
    answer: str
    received_on: dt.date
    answered_on: dt.date


class PostedPlanOut(Schema):
    id: int
    year: int
    person: str
    position: str
    intro: str
    posted_on: dt.date
    commitments: list[CommitmentOut]
    feedback: list[PublicFeedbackOut]
    feedback_token: str
    public_url: str


class UnitPlansOut(Schema):
    unit: int
    unit_name: str
    plans: list[PostedPlanOut]


class FeedbackIn(Schema):
    body: str
    name: str = ""
    token: str
    website: str = ""


class QueuedOut(Schema):
    status: str
    detail: str


class MeasureStatusOut(Schema):
    item: str
    action: str
    responsible: str
    deadline: dt.date | None
    percent: int
    overdue: bool


class LeaderRemediationOut(Schema):
    subject: int
    leader: str
    title: str
    unit: str
    responded: bool
    state: str | None
    state_label: str
    version: int | None
    measures: list[MeasureStatusOut]
    overdue: int
    progress: int | None


class RemediationOut(Schema):
    round: int
    title: str
    leaders: list[LeaderRemediationOut]


def _day(value: dt.datetime | None) -> dt.date:
    return timezone.localtime(value).date() if value else timezone.localdate()


@router.get(
    "/public/units/{unit}/plans",
    response={200: UnitPlansOut, 404: ErrorOut},
    tags=["public"],
    summary="Posted self-cultivation plans of a unit",
)
def unit_plans(request: HttpRequest, unit: int) -> Any:
    """Return the unit's posted self-cultivation plans and their answered feedback (no login).

    Each plan carries a ``feedback_token`` valid for two hours, needed to send feedback.
    """
    found = selectors.public_unit(unit)
    if found is None:
        raise DomainError(_("Not found."), code="not_found", status=404)
    plans = []
    for plan in selectors.posted_plans(found.pk):
        plans.append(
            {
                "id": plan.pk,
                "year": plan.year,
                "person": plan.person.full_name,
                "position": plan.position_title,
                "intro": plan.intro,
                "posted_on": _day(plan.posted_at),
                "commitments": [
                    {"area": c.area, "area_label": str(c.get_area_display()), "text": c.text}
                    for c in plan.commitments.all()
                ],
                "feedback": [
                    {
                        "name": f.name,
                        "body": f.body,
                        "answer": f.answer,
                        "received_on": _day(f.created_at),
                        "answered_on": _day(f.answered_at),
                    }
                    for f in selectors.public_feedback(plan)
                ],
                "feedback_token": tokens.feedback_token(plan.pk),
                "public_url": documents.public_plan_url(plan),
            }
        )
    return {"unit": found.pk, "unit_name": str(found), "plans": plans}


@router.post(
    "/public/plans/{plan}/feedback",
    response={202: QueuedOut, **ERRORS},
    tags=["public"],
    summary="Send feedback on a posted plan (queued for moderation)",
)
def plan_feedback(request: HttpRequest, plan: int, payload: FeedbackIn) -> Any:
    """Queue a citizen's feedback on a posted plan; 202 means it waits for moderation.

    Needs the plan's ``feedback_token`` from ``GET …/plans``; 429 when the client sent
    too much; 404 for a plan that is not posted.
    """
    found = selectors.posted_plan(plan)
    if found is None:
        raise DomainError(_("Not found."), code="not_found", status=404)
    key = ratelimit.client_key(request)
    if ratelimit.is_limited(key):
        raise DomainError(
            _("You have sent a lot of feedback. Please try again later."),
            code="rate_limited",
            status=429,
        )
    ratelimit.record(key)
    services.submit_feedback(
        plan=found,
        body=payload.body,
        name=payload.name,
        token=payload.token,
        honeypot=payload.website,
    )
    return Status(
        202,
        {
            "status": "queued",
            "detail": _("Your feedback was received and waits for moderation."),
        },
    )


@router.get(
    "/admin/rounds/{round}/remediation",
    response={200: RemediationOut, 401: ErrorOut, **ERRORS},
    auth=TokenAuth(),
    tags=["admin"],
    summary="Remediation status of every leader of a round",
)
def remediation(request: HttpRequest, round: int) -> Any:
    """Return each leader's response flag, plan state, measures and overdue count.

    For the organiser and the Standing Committee reaching the round's organising unit;
    404 for anyone else (the round's existence is not revealed).
    """
    actor: User = request.auth  # type: ignore[attr-defined]
    rnd = Round.objects.filter(pk=round).first()
    if rnd is None:
        raise DomainError(_("Not found."), code="not_found", status=404)
    try:
        rows = selectors.remediation_status(actor, rnd)
    except AccessDenied:
        raise DomainError(_("Not found."), code="not_found", status=404) from None
    today = timezone.localdate()
    leaders = []
    for r in rows:
        measures = list(r.plan.measures.all()) if r.plan else []
        leaders.append(
            {
                "subject": r.subject.pk,
                "leader": r.subject.name,
                "title": r.subject.title,
                "unit": str(r.subject.conference.unit),
                "responded": r.responded,
                "state": r.plan.state if r.plan else None,
                "state_label": str(r.plan.get_state_display()) if r.plan else _("No plan yet"),
                "version": r.plan.version if r.plan else None,
                "measures": [
                    {
                        "item": m.item_text,
                        "action": m.action,
                        "responsible": m.responsible,
                        "deadline": m.deadline,
                        "percent": m.percent,
                        "overdue": selectors.is_overdue(m, today),
                    }
                    for m in measures
                ],
                "overdue": r.overdue,
                "progress": r.progress,
            }
        )
    return {"round": rnd.pk, "title": rnd.title, "leaders": leaders}
