"""Reads of the follow-through, always scoped to what the reader may see.

The figures of a report (flags, means, ballots) are read through the tallying
selectors; nothing here returns a score or a comment to anything public.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from phieukin.accounts import permissions
from phieukin.accounts.access import AccessDenied, authorize, can
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for
from phieukin.followup import lifecycle, outcome
from phieukin.followup.models import (
    CitizenFeedback,
    CultivationPlan,
    FeedbackState,
    LeaderResponse,
    Measure,
    ProgressUpdate,
    RemediationPlan,
)
from phieukin.questionnaires.models import Item
from phieukin.rounds.lifecycle import BoxState, RoundState
from phieukin.rounds.models import Round, Subject
from phieukin.tallying import selectors as tallying
from phieukin.units.models import Tenure, Unit

READER_ROLES = (Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE)
SCOPE_ROLES = (Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE, Role.SUPERVISOR)
BINDING = tuple(s.value for s in lifecycle.BINDING)


# --- Flags of a report ----------------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedItem:
    key: str
    number: int
    text: str

    @property
    def label(self) -> str:
        return f"{self.number}. {self.text}"


def flagged_items(subject: Subject) -> list[FlaggedItem]:
    """Return the items flagged (tồn tại, hạn chế) in the leader's report, in order.

    Empty when the leader's figures are withheld (fewer than k ballots) or the box is
    not sealed.
    """
    box = getattr(subject.conference, "box", None)
    if box is None or box.state != BoxState.SEALED.value:
        return []
    figures = tallying.subject_tally(subject).total.figures
    if figures is None:
        return []
    flagged = {f.key for f in figures.items if f.flags}
    items = Item.objects.filter(questionnaire_id=subject.conference.round.questionnaire_id)
    return [
        FlaggedItem(item.key, n, item.text)
        for n, item in enumerate(items.order_by("order"), start=1)
        if item.key in flagged
    ]


# --- Leaders and their subjects -------------------------------------------------------------


def own_subjects(user: Any) -> QuerySet[Subject]:
    """Return the leader's own subjects in published rounds, newest round first."""
    person_id = getattr(user, "person_id", None)
    if person_id is None or not permissions.is_leader(user):
        return Subject.objects.none()
    return (
        Subject.objects.filter(
            person_id=person_id, conference__round__state=RoundState.PUBLISHED.value
        )
        .select_related("conference__round", "conference__unit")
        .order_by("-conference__round__year", "-conference__round__number")
    )


def response_for(user: Any, subject: Subject) -> LeaderResponse | None:
    """Return the response to *subject*'s report if the user may read it."""
    response = LeaderResponse.objects.filter(subject=subject).first()
    if response is None or not can(user, "followup.response.view", response):
        return None
    return response


# --- Remediation plans ----------------------------------------------------------------------


def _plans() -> QuerySet[RemediationPlan]:
    return RemediationPlan.objects.select_related(
        "subject", "round", "unit", "person", "reviewed_by"
    )


def visible_plans(user: Any) -> QuerySet[RemediationPlan]:
    """Return the plan versions the user may read: own plans and the readers' scope."""
    qs = _plans().filter(unit_id__in=unit_ids_for(user, roles=READER_ROLES))
    person_id = getattr(user, "person_id", None)
    if person_id is not None and permissions.is_leader(user):
        qs = qs | _plans().filter(person_id=person_id)
    return qs.distinct()


def plan_for(user: Any, plan_id: int) -> RemediationPlan:
    """Return one plan version, or raise AccessDenied (also when it does not exist)."""
    plan = _plans().filter(pk=plan_id).first()
    if plan is None:
        raise AccessDenied("not found", code="not_found")
    authorize(user, "followup.plan.view", plan)
    return plan


def plan_versions(subject: Subject) -> list[RemediationPlan]:
    """Return every version of the subject's plan, newest first."""
    return list(_plans().filter(subject=subject).order_by("-version"))


def current_plan(subject: Subject) -> RemediationPlan | None:
    """Return the plan in force: the newest binding version not superseded, else the newest."""
    versions = plan_versions(subject)
    for plan in versions:
        if plan.state in BINDING and plan.superseded_at is None:
            return plan
    return versions[0] if versions else None


def measures_of(plan: RemediationPlan) -> list[Measure]:
    return list(plan.measures.prefetch_related("updates").all())


def is_overdue(measure: Measure, today: dt.date) -> bool:
    return measure.deadline is not None and measure.deadline < today and measure.percent < 100


@dataclass(frozen=True)
class OverdueMeasure:
    measure: Measure
    plan: RemediationPlan
    days: int


def overdue_measures(user: Any, *, today: dt.date | None = None) -> list[OverdueMeasure]:
    """Return the overdue measures of binding plans in force that the user may read."""
    today = today or timezone.localdate()
    plans = visible_plans(user).filter(
        state__in=[lifecycle.PlanState.APPROVED.value, lifecycle.PlanState.IN_PROGRESS.value],
        superseded_at__isnull=True,
    )
    measures = (
        Measure.objects.filter(plan__in=plans, deadline__lt=today, percent__lt=100)
        .select_related("plan__subject", "plan__unit", "plan__round")
        .order_by("deadline", "id")
    )
    return [OverdueMeasure(m, m.plan, (today - m.deadline).days) for m in measures if m.deadline]


@dataclass(frozen=True)
class StatusRow:
    """One leader's follow-through of a round."""

    subject: Subject
    plan: RemediationPlan | None
    responded: bool
    measures: int
    overdue: int
    progress: int | None  # mean percent of the measures


def remediation_status(user: Any, rnd: Round, *, today: dt.date | None = None) -> list[StatusRow]:
    """Return every leader of *rnd* with their plan's status (readers of the round only)."""
    authorize(user, "followup.round.status", rnd)
    today = today or timezone.localdate()
    subjects = list(
        Subject.objects.filter(conference__round=rnd)
        .select_related("conference__unit", "conference__round")
        .order_by("conference__unit__sort_key", "order")
    )
    responded = set(
        LeaderResponse.objects.filter(subject__in=subjects).values_list("subject_id", flat=True)
    )
    plans: dict[int, list[RemediationPlan]] = defaultdict(list)
    for version in (
        _plans()
        .filter(subject__in=subjects)
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("order")))
        .order_by("-version")
    ):
        plans[version.subject_id].append(version)
    rows = []
    for subject in subjects:
        plan = _pick_current(plans.get(subject.pk, []))
        measures = list(plan.measures.all()) if plan else []
        rows.append(
            StatusRow(
                subject=subject,
                plan=plan,
                responded=subject.pk in responded,
                measures=len(measures),
                overdue=sum(
                    1
                    for m in measures
                    if plan is not None
                    and plan.state
                    in (lifecycle.PlanState.APPROVED.value, lifecycle.PlanState.IN_PROGRESS.value)
                    and is_overdue(m, today)
                ),
                progress=round(sum(m.percent for m in measures) / len(measures))
                if measures
                else None,
            )
        )
    return rows


def _pick_current(versions: list[RemediationPlan]) -> RemediationPlan | None:
    for plan in versions:
        if plan.state in BINDING and plan.superseded_at is None:
            return plan
    return versions[0] if versions else None


def status_rounds(user: Any) -> QuerySet[Round]:
    """Return the published rounds whose follow-through the user may read."""
    ids = unit_ids_for(user, roles=READER_ROLES)
    return Round.objects.filter(
        organiser_unit_id__in=ids, state=RoundState.PUBLISHED.value
    ).order_by("-year", "-number")


def reviewable_plans(user: Any) -> QuerySet[RemediationPlan]:
    """Return the submitted plans waiting for the user's review."""
    ids = unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER])
    return _plans().filter(unit_id__in=ids, state=lifecycle.PlanState.SUBMITTED.value)


# --- The next round: what the plan promised and how the rating moved -------------------------


@dataclass(frozen=True)
class PlanOutcome:
    plan: RemediationPlan
    previous_round: Round
    items: list[outcome.ItemOutcome]
    ballots_before: int | None
    ballots_after: int | None

    @property
    def caution(self) -> bool:
        return any(i.caution for i in self.items)


def plan_outcome(subject: Subject) -> PlanOutcome | None:
    """Return what the plan of the leader's previous round promised and how each item moved.

    None when there is no earlier counted round for the position, no binding plan for it,
    or the current box is not sealed.
    """
    box = getattr(subject.conference, "box", None)
    if box is None or box.state != BoxState.SEALED.value:
        return None
    previous = tallying.previous_subject(subject)
    if previous is None or previous.person_id != subject.person_id:
        return None
    plan = current_plan(previous)
    if plan is None or plan.state not in BINDING:
        return None
    promises = [
        outcome.Promise(m.item_key, m.item_text, m.action, m.expected_result, m.percent)
        for m in plan.measures.all()
        if m.item_key
    ]
    if not promises:
        return None
    before = tallying.subject_tally(previous).total.figures
    after = tallying.subject_tally(subject).total.figures
    items = outcome.compare(
        promises,
        {f.key: f.mean for f in before.items} if before else {},
        {f.key: f.mean for f in after.items} if after else {},
        ballots_before=before.ballots if before else None,
        ballots_after=after.ballots if after else None,
    )
    return PlanOutcome(
        plan=plan,
        previous_round=previous.conference.round,
        items=items,
        ballots_before=before.ballots if before else None,
        ballots_after=after.ballots if after else None,
    )


# --- Self-cultivation plans: who must post, posting rate -------------------------------------


@dataclass(frozen=True)
class Head:
    """A head who must post a self-cultivation plan for a year in a unit."""

    person_id: int
    person_name: str
    unit_id: int
    unit_name: str
    position_title: str


def reference_day(year: int, today: dt.date | None = None) -> dt.date:
    """Return the day whose post-holders must post for *year*: 31/12, or today if earlier."""
    today = today or timezone.localdate()
    return min(dt.date(year, 12, 31), today) if year <= today.year else dt.date(year, 1, 1)


def required_heads(unit_ids: Iterable[int] | None, year: int) -> list[Head]:
    """Return who must post for *year*: the holders of the units' posts on the reference day.

    One person holding two posts in a unit posts one plan there. ``unit_ids=None`` means
    every unit.
    """
    day = reference_day(year)
    tenures = (
        Tenure.objects.filter(start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .filter(Q(position__unit__valid_from__isnull=True) | Q(position__unit__valid_from__lte=day))
        .filter(
            Q(position__unit__valid_until__isnull=True) | Q(position__unit__valid_until__gte=day)
        )
        .select_related("person", "position__unit", "position__type")
        .order_by("position__unit__sort_key", "position__type__order")
    )
    if unit_ids is not None:
        tenures = tenures.filter(position__unit_id__in=list(unit_ids))
    heads: dict[tuple[int, int], Head] = {}
    for t in tenures:
        key = (t.person_id, t.position.unit_id)
        if key in heads:
            continue
        heads[key] = Head(
            t.person_id,
            t.person.full_name,
            t.position.unit_id,
            str(t.position.unit),
            t.position.title,
        )
    return list(heads.values())


def head_for(*, person_id: int, unit: Unit, year: int) -> Head | None:
    """Return the head record of *person_id* in *unit* for *year*, or None."""
    for head in required_heads([unit.pk], year):
        if head.person_id == person_id:
            return head
    return None


@dataclass(frozen=True)
class UnitRate:
    unit_id: int
    unit_name: str
    required: int
    posted: int

    @property
    def rate(self) -> float | None:
        return outcome.posting_rate(self.posted, self.required)


@dataclass(frozen=True)
class PostingRate:
    year: int
    units: list[UnitRate]
    missing: list[Head]

    @property
    def required(self) -> int:
        return sum(u.required for u in self.units)

    @property
    def posted(self) -> int:
        return sum(u.posted for u in self.units)

    @property
    def rate(self) -> float | None:
        return outcome.posting_rate(self.posted, self.required)


def posting_rate(unit_ids: Iterable[int] | None, year: int) -> PostingRate:
    """Return the posting rate (posted / required) per unit and in total for *year*."""
    heads = required_heads(unit_ids, year)
    posted = set(
        CultivationPlan.objects.filter(year=year, posted_at__isnull=False).values_list(
            "person_id", "unit_id"
        )
    )
    per_unit: dict[int, list[Head]] = defaultdict(list)
    for head in heads:
        per_unit[head.unit_id].append(head)
    units = [
        UnitRate(
            unit_id,
            hs[0].unit_name,
            len(hs),
            sum(1 for h in hs if (h.person_id, h.unit_id) in posted),
        )
        for unit_id, hs in per_unit.items()
    ]
    missing = [h for h in heads if (h.person_id, h.unit_id) not in posted]
    return PostingRate(year, units, missing)


def scope_units(user: Any) -> set[int]:
    """Return the units whose follow-through the user reads (organiser, committee, MTTQ)."""
    return unit_ids_for(user, roles=SCOPE_ROLES)


def posting_rate_for(user: Any, year: int) -> PostingRate:
    """Return the posting rate over the user's scope."""
    return posting_rate(scope_units(user), year)


def own_heads(user: Any, year: int) -> list[Head]:
    """Return the posts for which the signed-in head must post a plan in *year*."""
    person_id = getattr(user, "person_id", None)
    if person_id is None or not permissions.is_leader(user):
        return []
    return [h for h in required_heads(None, year) if h.person_id == person_id]


def _cultivation() -> QuerySet[CultivationPlan]:
    return CultivationPlan.objects.select_related("person", "unit").prefetch_related("commitments")


def visible_cultivation_plans(user: Any, year: int | None = None) -> QuerySet[CultivationPlan]:
    """Return the self-cultivation plans the user may read."""
    roles = [*SCOPE_ROLES, Role.WARD_ORGANISER]
    qs = _cultivation().filter(unit_id__in=unit_ids_for(user, roles=roles))
    person_id = getattr(user, "person_id", None)
    if person_id is not None and permissions.is_leader(user):
        qs = qs | _cultivation().filter(person_id=person_id)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.distinct()


def cultivation_plan_for(user: Any, plan_id: int) -> CultivationPlan:
    """Return one self-cultivation plan, or raise AccessDenied."""
    plan = _cultivation().filter(pk=plan_id).first()
    if plan is None:
        raise AccessDenied("not found", code="not_found")
    authorize(user, "followup.cultivation.view", plan)
    return plan


def pending_feedback(user: Any) -> QuerySet[CitizenFeedback]:
    """Return the feedback waiting for the user's moderation."""
    ids = unit_ids_for(user, roles=[Role.WARD_ORGANISER, Role.DISTRICT_ORGANISER])
    return (
        CitizenFeedback.objects.filter(unit_id__in=ids, state=FeedbackState.PENDING)
        .select_related("plan__person", "plan__unit")
        .order_by("created_at", "id")
    )


def feedback_to_answer(user: Any) -> QuerySet[CitizenFeedback]:
    """Return approved, unanswered feedback on the head's own plans."""
    person_id = getattr(user, "person_id", None)
    if person_id is None or not permissions.is_leader(user):
        return CitizenFeedback.objects.none()
    return CitizenFeedback.objects.filter(
        plan__person_id=person_id, state=FeedbackState.PUBLISHED, answered_at__isnull=True
    ).select_related("plan__unit")


# --- Public (no login): only posted plan text and answered feedback --------------------------


def public_unit(unit_id: int) -> Unit | None:
    """Return the unit of a public page (any unit; the page lists only posted plans)."""
    return Unit.objects.filter(pk=unit_id).first()


def posted_plans(unit_id: int) -> list[CultivationPlan]:
    """Return the unit's posted self-cultivation plans, newest year first."""
    return list(
        _cultivation()
        .filter(unit_id=unit_id, posted_at__isnull=False)
        .order_by("-year", "person__sort_key")
    )


def posted_plan(plan_id: int) -> CultivationPlan | None:
    """Return one posted plan, or None when it does not exist or is not posted."""
    return _cultivation().filter(pk=plan_id, posted_at__isnull=False).first()


def public_feedback(plan: CultivationPlan) -> list[CitizenFeedback]:
    """Return the feedback on *plan* that was approved and answered, oldest first."""
    return list(
        CitizenFeedback.objects.filter(
            plan=plan, state=FeedbackState.PUBLISHED, answered_at__isnull=False
        ).order_by("created_at", "id")
    )


@dataclass(frozen=True)
class Owned:
    """What the access rules read of an object: whose it is and in which unit."""

    person_id: int
    unit_id: int


@dataclass(frozen=True)
class UnitRef:
    """A unit as the access rules read it (``unit_id``)."""

    unit_id: int


def owned(subject: Subject) -> Owned:
    return Owned(subject.person_id, subject.conference.unit_id)


def subject_for(user: Any, subject_id: int) -> Subject:
    """Return a subject of a published round whose follow-through the user may read."""
    subject = (
        Subject.objects.select_related("conference__round", "conference__unit", "person")
        .filter(pk=subject_id, conference__round__state=RoundState.PUBLISHED.value)
        .first()
    )
    if subject is None:
        raise AccessDenied("not found", code="not_found")
    authorize(user, "followup.plan.view", owned(subject))
    return subject


def evidence_for(user: Any, update_id: int) -> ProgressUpdate:
    """Return a progress update with evidence the user may download."""
    update = (
        ProgressUpdate.objects.select_related("measure__plan")
        .filter(pk=update_id)
        .exclude(evidence="")
        .first()
    )
    if update is None:
        raise AccessDenied("not found", code="not_found")
    authorize(user, "followup.evidence.view", update.measure.plan)
    return update


def can_review(user: Any, plan: RemediationPlan) -> bool:
    return can(user, "followup.plan.review", plan)


def can_edit(user: Any, obj: Any) -> bool:
    return can(user, "followup.plan.edit", obj)
