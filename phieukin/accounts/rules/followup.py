"""Rules of the follow-through: responses, remediation and self-cultivation plans,
citizen feedback and the Fatherland Front's supervision.

Objects are read by attribute: ``person_id`` (the leader the object belongs to) and
``unit_id`` (the ward) for subjects' responses, plans, self-cultivation plans, feedback
and notes; ``organiser_unit_id`` for a round.

* the leader (``Role.LEADER`` with ``user.person``) writes their own response and plans
  and answers feedback on their own self-cultivation plan;
* the district organiser (at any level) reaching the unit approves or returns plans and
  reads everything in scope;
* the Standing Committee reaching the unit reads responses, plans and reports;
* the Fatherland Front supervisor of a unit reads its self-cultivation plans and records
  supervision notes;
* the unit's office (ward organiser; the district organiser where a ward has none)
  moderates citizen feedback.
"""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for


def _own(actor: Any, obj: Any) -> bool:
    person_id = getattr(obj, "person_id", None)
    return permissions.is_leader(actor) and person_id is not None and actor.person_id == person_id


def _reaches(actor: Any, obj: Any, *roles: str) -> bool:
    unit_id = getattr(obj, "unit_id", None)
    if unit_id is None:
        unit_id = getattr(obj, "organiser_unit_id", None)
    return unit_id is not None and unit_id in unit_ids_for(actor, roles=list(roles))


def _organiser(actor: Any, obj: Any) -> bool:
    return _reaches(actor, obj, Role.DISTRICT_ORGANISER)


def _reader(actor: Any, obj: Any) -> bool:
    return _reaches(actor, obj, Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE)


@rule("followup.response.write")
def write_response(actor: Any, obj: Any) -> bool:
    """Only the leader writes the response to their own report."""
    return _own(actor, obj)


@rule("followup.response.view")
def view_response(actor: Any, obj: Any) -> bool:
    """The leader, the organiser and the Standing Committee read a response."""
    return _own(actor, obj) or _reader(actor, obj)


@rule("followup.plan.edit")
def edit_plan(actor: Any, obj: Any) -> bool:
    """Only the leader writes, submits, revises and reports on their own plan."""
    return _own(actor, obj)


@rule("followup.plan.review")
def review_plan(actor: Any, obj: Any) -> bool:
    """Only the district organiser reaching the unit approves or returns a plan."""
    return _organiser(actor, obj)


@rule("followup.plan.view")
def view_plan(actor: Any, obj: Any) -> bool:
    """The leader, the organiser and the Standing Committee read a remediation plan."""
    return _own(actor, obj) or _reader(actor, obj)


@rule("followup.evidence.view")
def view_evidence(actor: Any, obj: Any) -> bool:
    """Evidence files are read by whoever reads the plan."""
    return view_plan(actor, obj)


@rule("followup.round.status")
def round_status(actor: Any, obj: Any) -> bool:
    """The organiser and the Standing Committee read the remediation status of a round."""
    return _reader(actor, obj)


@rule("followup.cultivation.edit")
def edit_cultivation(actor: Any, obj: Any) -> bool:
    """Only the head writes and posts their own self-cultivation plan."""
    return _own(actor, obj)


@rule("followup.cultivation.view")
def view_cultivation(actor: Any, obj: Any) -> bool:
    """The head, the organiser, the Standing Committee, the unit's office and MTTQ read it."""
    return _own(actor, obj) or _reaches(
        actor,
        obj,
        Role.DISTRICT_ORGANISER,
        Role.STANDING_COMMITTEE,
        Role.WARD_ORGANISER,
        Role.SUPERVISOR,
    )


@rule("followup.cultivation.supervise")
def supervise_cultivation(actor: Any, obj: Any) -> bool:
    """The Fatherland Front supervisor of the unit records supervision notes."""
    return _reaches(actor, obj, Role.SUPERVISOR)


@rule("followup.feedback.moderate")
def moderate_feedback(actor: Any, obj: Any) -> bool:
    """The unit's office moderates citizen feedback (the district office for any ward)."""
    return _reaches(actor, obj, Role.WARD_ORGANISER, Role.DISTRICT_ORGANISER)


@rule("followup.feedback.answer")
def answer_feedback(actor: Any, obj: Any) -> bool:
    """The head whose plan it is answers feedback publicly."""
    return _own(actor, obj)


@rule("followup.report.view")
def view_report(actor: Any, obj: Any) -> bool:
    """Follow-through reports: the organiser, the Standing Committee and MTTQ in scope."""
    return _reaches(actor, obj, Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE, Role.SUPERVISOR)
