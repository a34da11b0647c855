"""Every write of the follow-through: one transaction, an access check, an audit event.

Citizen feedback is the exception to the audit rule: sending it is not an administrative
act and nothing about the sender is recorded anywhere.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import Conflict, DomainError
from phieukin.core.ids import random_id
from phieukin.followup import evidence, lifecycle, selectors, tokens
from phieukin.followup.lifecycle import PlanState
from phieukin.followup.models import (
    Area,
    CitizenFeedback,
    CultivationPlan,
    FeedbackState,
    LeaderResponse,
    Measure,
    ProgressUpdate,
    RemediationPlan,
    SupervisionNote,
)
from phieukin.rounds.lifecycle import RoundState
from phieukin.rounds.models import Subject

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from phieukin.accounts.models import User
    from phieukin.units.models import Unit

BODY_MAX = 2000
NAME_MAX = 120


def _transition(plan: RemediationPlan, action: str) -> PlanState:
    try:
        return lifecycle.check_plan(action, plan.state)
    except lifecycle.TransitionError:
        raise Conflict(
            _("This cannot be done while the plan is “%(state)s”.")
            % {"state": plan.get_state_display()},
            code=f"plan_cannot_{action}",
        ) from None


def _lock(plan: RemediationPlan) -> RemediationPlan:
    return RemediationPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)


def _require_published(subject: Subject) -> None:
    if subject.conference.round.state != RoundState.PUBLISHED.value:
        raise Conflict(
            _("The follow-through starts once the round's reports are published."),
            code="round_not_published",
        )


# --- The leader's response ------------------------------------------------------------------


def save_response(
    *, actor: User | None, subject: Subject, accepted: str, explained: str
) -> LeaderResponse:
    """Write the leader's response to their own report (tiếp thu, giải trình)."""
    authorize(actor, "followup.response.write", subject)
    _require_published(subject)
    accepted, explained = accepted.strip(), explained.strip()
    if not accepted and not explained:
        raise DomainError(_("Write what you take on board or what you explain."), code="empty")
    with transaction.atomic():
        response, created = LeaderResponse.objects.update_or_create(
            subject=subject,
            defaults={
                "unit_id": subject.conference.unit_id,
                "person_id": subject.person_id,
                "accepted": accepted,
                "explained": explained,
            },
        )
        record_event(
            actor=actor,
            action="followup.response.save",
            obj=response,
            unit=subject.conference.unit,
            data={"subject": subject.pk, "created": created},
        )
    return response


# --- Remediation plans ----------------------------------------------------------------------


def start_plan(*, actor: User | None, subject: Subject) -> RemediationPlan:
    """Create version 1 of the plan, one measure per flagged item of the leader's report."""
    authorize(actor, "followup.plan.edit", subject)
    _require_published(subject)
    flagged = selectors.flagged_items(subject)
    with transaction.atomic():
        if RemediationPlan.objects.select_for_update().filter(subject=subject).exists():
            raise Conflict(_("A plan for this report already exists."), code="plan_exists")
        plan = RemediationPlan.objects.create(
            subject=subject,
            round_id=subject.conference.round_id,
            unit_id=subject.conference.unit_id,
            person_id=subject.person_id,
            version=1,
        )
        Measure.objects.bulk_create(
            Measure(plan=plan, order=n, item_key=item.key, item_text=item.label)
            for n, item in enumerate(flagged, start=1)
        )
        record_event(
            actor=actor,
            action="followup.plan.start",
            obj=plan,
            unit=subject.conference.unit,
            data={"subject": subject.pk, "measures": len(flagged)},
        )
    return plan


@dataclass(frozen=True)
class MeasureInput:
    """What the leader writes for one measure."""

    action: str
    responsible: str
    deadline: dt.date | None
    expected_result: str
    item_key: str = ""
    item_text: str = ""


def _require_editable(plan: RemediationPlan) -> None:
    if plan.state not in {s.value for s in lifecycle.EDITABLE}:
        raise Conflict(
            _("An approved plan changes only as a new version with a reason."),
            code="plan_not_editable",
        )


def save_measure(
    *,
    actor: User | None,
    plan: RemediationPlan,
    data: MeasureInput,
    measure: Measure | None = None,
) -> Measure:
    """Add a measure to a draft (or returned) plan, or change one of its measures."""
    authorize(actor, "followup.plan.edit", plan)
    with transaction.atomic():
        plan = _lock(plan)
        _require_editable(plan)
        if measure is None:
            last = plan.measures.order_by("-order").values_list("order", flat=True).first()
            measure = Measure(plan=plan, order=(last or 0) + 1)
        elif measure.plan_id != plan.pk:
            raise DomainError(_("This measure belongs to another plan."), code="wrong_plan")
        measure.action = data.action.strip()
        measure.responsible = data.responsible.strip()
        measure.deadline = data.deadline
        measure.expected_result = data.expected_result.strip()
        if data.item_text or measure.pk is None:
            measure.item_key = data.item_key
            measure.item_text = data.item_text.strip()
        measure.save()
        record_event(
            actor=actor,
            action="followup.measure.save",
            obj=measure,
            unit=plan.unit,
            data={"plan": plan.pk},
        )
    return measure


def remove_measure(*, actor: User | None, measure: Measure) -> None:
    """Remove a measure from a draft (or returned) plan."""
    plan = measure.plan
    authorize(actor, "followup.plan.edit", plan)
    with transaction.atomic():
        plan = _lock(plan)
        _require_editable(plan)
        record_event(
            actor=actor,
            action="followup.measure.remove",
            obj=measure,
            unit=plan.unit,
            data={"plan": plan.pk},
        )
        measure.delete()


def _check_complete(plan: RemediationPlan) -> None:
    measures = list(plan.measures.all())
    if not measures:
        raise DomainError(_("A plan needs at least one measure."), code="plan_empty")
    for m in measures:
        if not (m.action and m.responsible and m.deadline and m.expected_result):
            raise DomainError(
                _(
                    "Every measure needs the measure, who is responsible, a deadline and "
                    "the expected result."
                ),
                code="measure_incomplete",
            )


def submit_plan(*, actor: User | None, plan: RemediationPlan) -> RemediationPlan:
    """Send the plan to the district organiser for review."""
    authorize(actor, "followup.plan.edit", plan)
    with transaction.atomic():
        plan = _lock(plan)
        target = _transition(plan, "submit")
        _check_complete(plan)
        plan.state = target.value
        plan.submitted_at = timezone.now()
        plan.save(update_fields=["state", "submitted_at"])
        record_event(actor=actor, action="followup.plan.submit", obj=plan, unit=plan.unit)
    return plan


def return_plan(*, actor: User | None, plan: RemediationPlan, comment: str) -> RemediationPlan:
    """Return a submitted plan to the leader with comments."""
    authorize(actor, "followup.plan.review", plan)
    comment = comment.strip()
    if not comment:
        raise DomainError(_("Say what should change when returning a plan."), code="no_comment")
    with transaction.atomic():
        plan = _lock(plan)
        plan.state = _transition(plan, "return").value
        plan.review_comment = comment
        plan.reviewed_at = timezone.now()
        plan.reviewed_by = actor
        plan.save(update_fields=["state", "review_comment", "reviewed_at", "reviewed_by"])
        record_event(
            actor=actor,
            action="followup.plan.return",
            obj=plan,
            unit=plan.unit,
            data={"comment": comment},
        )
    return plan


def approve_plan(
    *, actor: User | None, plan: RemediationPlan, comment: str = ""
) -> RemediationPlan:
    """Approve a submitted plan; a new version replaces the version it revises."""
    authorize(actor, "followup.plan.review", plan)
    with transaction.atomic():
        plan = _lock(plan)
        plan.state = _transition(plan, "approve").value
        now = timezone.now()
        plan.review_comment = comment.strip()
        plan.reviewed_at = now
        plan.reviewed_by = actor
        plan.save(update_fields=["state", "review_comment", "reviewed_at", "reviewed_by"])
        if plan.previous_id is not None:
            RemediationPlan.objects.filter(pk=plan.previous_id).update(superseded_at=now)
        record_event(
            actor=actor,
            action="followup.plan.approve",
            obj=plan,
            unit=plan.unit,
            data={"version": plan.version},
        )
    return plan


def begin_plan(*, actor: User | None, plan: RemediationPlan) -> RemediationPlan:
    """Mark an approved plan as being carried out."""
    authorize(actor, "followup.plan.edit", plan)
    with transaction.atomic():
        plan = _lock(plan)
        plan.state = _transition(plan, "start").value
        plan.started_at = timezone.now()
        plan.save(update_fields=["state", "started_at"])
        record_event(actor=actor, action="followup.plan.begin", obj=plan, unit=plan.unit)
    return plan


def complete_plan(*, actor: User | None, plan: RemediationPlan) -> RemediationPlan:
    """Mark the plan completed once every measure reached 100 %."""
    authorize(actor, "followup.plan.edit", plan)
    with transaction.atomic():
        plan = _lock(plan)
        target = _transition(plan, "complete")
        if plan.measures.filter(percent__lt=100).exists():
            raise DomainError(
                _("Every measure must reach 100 % before the plan is completed."),
                code="measures_open",
            )
        plan.state = target.value
        plan.completed_at = timezone.now()
        plan.save(update_fields=["state", "completed_at"])
        record_event(actor=actor, action="followup.plan.complete", obj=plan, unit=plan.unit)
    return plan


def revise_plan(*, actor: User | None, plan: RemediationPlan, reason: str) -> RemediationPlan:
    """Start a new version of an approved plan, copying its measures, with a reason.

    The approved version stays in force until the new one is approved.
    """
    authorize(actor, "followup.plan.edit", plan)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason for the new version."), code="no_reason")
    with transaction.atomic():
        plan = _lock(plan)
        if plan.state not in {s.value for s in lifecycle.REVISABLE} or plan.superseded_at:
            raise Conflict(
                _("Only the approved plan in force can be revised."), code="plan_not_revisable"
            )
        if RemediationPlan.objects.filter(previous=plan).exists():
            raise Conflict(_("A new version is already being written."), code="version_exists")
        new = RemediationPlan.objects.create(
            subject_id=plan.subject_id,
            round_id=plan.round_id,
            unit_id=plan.unit_id,
            person_id=plan.person_id,
            version=plan.version + 1,
            previous=plan,
            reason=reason,
        )
        Measure.objects.bulk_create(
            Measure(
                plan=new,
                order=m.order,
                item_key=m.item_key,
                item_text=m.item_text,
                action=m.action,
                responsible=m.responsible,
                deadline=m.deadline,
                expected_result=m.expected_result,
                percent=m.percent,
                origin=m,
            )
            for m in plan.measures.all()
        )
        record_event(
            actor=actor,
            action="followup.plan.revise",
            obj=new,
            unit=plan.unit,
            data={"previous": plan.pk, "version": new.version, "reason": reason},
        )
    return new


def _read_evidence(upload: UploadedFile) -> tuple[bytes, evidence.Kind]:
    limit = evidence.max_bytes()
    if upload.size is not None and upload.size > limit:
        raise DomainError(
            _("The evidence file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            code="evidence_too_large",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(
            _("The evidence file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            code="evidence_too_large",
        )
    kind = evidence.sniff(data[:16])
    if kind is None:
        raise DomainError(_("Evidence must be a PDF, PNG or JPEG file."), code="evidence_type")
    return data, kind


def report_progress(
    *,
    actor: User | None,
    measure: Measure,
    percent: int,
    note: str = "",
    upload: UploadedFile | None = None,
) -> ProgressUpdate:
    """Record progress on a measure of a plan being carried out, with optional evidence."""
    plan = measure.plan
    authorize(actor, "followup.plan.edit", plan)
    if not 0 <= percent <= 100:
        raise DomainError(_("Progress is a percentage from 0 to 100."), code="percent")
    content = _read_evidence(upload) if upload is not None else None
    with transaction.atomic():
        plan = _lock(plan)
        if plan.state not in {s.value for s in lifecycle.REPORTABLE} or plan.superseded_at:
            raise Conflict(
                _("Progress is reported while the plan is in progress."), code="not_in_progress"
            )
        update = ProgressUpdate(
            measure=measure, percent=percent, note=note.strip(), created_by=actor
        )
        if content is not None and upload is not None:
            data, kind = content
            original = os.path.basename(upload.name or "")[:200]
            update.evidence_name = original or f"evidence.{kind.extension}"
            update.evidence_type = kind.content_type
            update.evidence.save(f"{random_id():x}.{kind.extension}", ContentFile(data), save=False)
        update.save()
        Measure.objects.filter(pk=measure.pk).update(percent=percent)
        record_event(
            actor=actor,
            action="followup.measure.progress",
            obj=measure,
            unit=plan.unit,
            data={"plan": plan.pk, "percent": percent, "evidence": bool(content)},
        )
    return update


# --- Self-cultivation plans -----------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentInput:
    area: str
    text: str


def save_cultivation_plan(
    *,
    actor: User | None,
    person_id: int,
    unit: Unit,
    year: int,
    intro: str,
    commitments: Sequence[CommitmentInput],
) -> CultivationPlan:
    """Write (or rewrite, until posted) a head's self-cultivation plan for a year."""
    head = selectors.head_for(person_id=person_id, unit=unit, year=year)
    if head is None:
        raise DomainError(
            _("Only a head of the unit in that year writes a self-cultivation plan."),
            code="not_a_head",
        )
    probe = CultivationPlan(person_id=person_id, unit=unit, year=year)
    authorize(actor, "followup.cultivation.edit", probe)
    rows = [c for c in commitments if c.text.strip()]
    if not rows:
        raise DomainError(_("Write at least one commitment."), code="no_commitment")
    areas = set(Area.values)
    if any(c.area not in areas for c in rows):
        raise DomainError(_("Unknown area of commitment."), code="area")
    with transaction.atomic():
        plan, created = CultivationPlan.objects.select_for_update().get_or_create(
            person_id=person_id,
            unit=unit,
            year=year,
            defaults={"position_title": head.position_title},
        )
        if plan.is_posted:
            raise Conflict(_("A posted plan is no longer changed."), code="plan_posted")
        plan.intro = intro.strip()
        plan.position_title = head.position_title
        plan.save(update_fields=["intro", "position_title"])
        plan.commitments.all().delete()
        plan.commitments.model.objects.bulk_create(
            plan.commitments.model(plan=plan, area=c.area, text=c.text.strip(), order=n)
            for n, c in enumerate(rows, start=1)
        )
        record_event(
            actor=actor,
            action="followup.cultivation.save",
            obj=plan,
            unit=unit,
            data={"year": year, "created": created, "commitments": len(rows)},
        )
    return plan


def post_cultivation_plan(*, actor: User | None, plan: CultivationPlan) -> CultivationPlan:
    """Post (niêm yết) the plan on the unit's public page."""
    authorize(actor, "followup.cultivation.edit", plan)
    with transaction.atomic():
        plan = CultivationPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
        if plan.is_posted:
            raise Conflict(_("The plan is already posted."), code="plan_posted")
        if not plan.commitments.exists():
            raise DomainError(_("Write at least one commitment."), code="no_commitment")
        plan.posted_at = timezone.now()
        plan.save(update_fields=["posted_at"])
        record_event(actor=actor, action="followup.cultivation.post", obj=plan, unit=plan.unit)
    return plan


def add_supervision_note(
    *, actor: User | None, plan: CultivationPlan, text: str
) -> SupervisionNote:
    """Record a supervision note of the Fatherland Front on a plan of its unit."""
    authorize(actor, "followup.cultivation.supervise", plan)
    text = text.strip()
    if not text:
        raise DomainError(_("The note is empty."), code="empty")
    with transaction.atomic():
        note = SupervisionNote.objects.create(
            plan=plan, unit_id=plan.unit_id, author=actor, text=text
        )
        record_event(actor=actor, action="followup.cultivation.note", obj=note, unit=plan.unit)
    return note


# --- Citizen feedback -----------------------------------------------------------------------


def submit_feedback(
    *,
    plan: CultivationPlan,
    body: str,
    name: str = "",
    token: str,
    honeypot: str = "",
) -> CitizenFeedback | None:
    """Queue a citizen's feedback on a posted plan for moderation.

    Returns None, storing nothing, when the honeypot field was filled (a bot is told it
    succeeded). Refuses a missing, altered or expired form token.
    """
    if not plan.is_posted:
        raise DomainError(_("This plan is not posted."), code="not_posted", status=404)
    if not tokens.token_is_valid(token, plan.pk):
        raise DomainError(
            _("The form has expired. Please reload the page and send your feedback again."),
            code="form_expired",
        )
    if honeypot:
        return None
    body = body.strip()
    if not body:
        raise DomainError(_("Write your feedback."), code="empty")
    if len(body) > BODY_MAX:
        raise DomainError(
            _("Feedback is limited to %(n)s characters.") % {"n": BODY_MAX}, code="too_long"
        )
    with transaction.atomic():
        return CitizenFeedback.objects.create(
            plan=plan, unit_id=plan.unit_id, name=name.strip()[:NAME_MAX], body=body
        )


def moderate_feedback(
    *, actor: User | None, feedback: CitizenFeedback, publish: bool
) -> CitizenFeedback:
    """Approve feedback for publication (it shows once the head answers) or reject it."""
    authorize(actor, "followup.feedback.moderate", feedback)
    with transaction.atomic():
        feedback = CitizenFeedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.state != FeedbackState.PENDING:
            raise Conflict(_("This feedback was already moderated."), code="moderated")
        feedback.state = FeedbackState.PUBLISHED if publish else FeedbackState.REJECTED
        feedback.moderated_at = timezone.now()
        feedback.moderated_by = actor
        feedback.save(update_fields=["state", "moderated_at", "moderated_by"])
        record_event(
            actor=actor,
            action="followup.feedback.moderate",
            obj=feedback,
            unit=feedback.unit,
            data={"state": feedback.state},
        )
    return feedback


def answer_feedback(
    *, actor: User | None, feedback: CitizenFeedback, answer: str
) -> CitizenFeedback:
    """Publish the head's answer to approved feedback on their plan."""
    plan = feedback.plan
    authorize(actor, "followup.feedback.answer", plan)
    answer = answer.strip()
    if not answer:
        raise DomainError(_("The answer is empty."), code="empty")
    with transaction.atomic():
        feedback = CitizenFeedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.state != FeedbackState.PUBLISHED:
            raise Conflict(
                _("Only feedback approved by the office can be answered."), code="not_approved"
            )
        feedback.answer = answer
        feedback.answered_at = timezone.now()
        feedback.save(update_fields=["answer", "answered_at"])
        record_event(
            actor=actor, action="followup.feedback.answer", obj=feedback, unit=feedback.unit
        )
    return feedback
