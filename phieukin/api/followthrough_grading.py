"""Admin API of the Directive 24 self-check and the annual grading (bearer token).

``GET /api/v1/admin/selfchecks?unit=…&period=…`` and
``GET /api/v1/admin/gradings?year=…&unit=…`` answer with what the token's user reads on
the web pages: the same scoped selectors, so the web and the API agree.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from phieukin.accounts.access import can
from phieukin.api.auth import TokenAuth
from phieukin.api.schemas import ErrorOut
from phieukin.grading import rules
from phieukin.grading import selectors as grading_selectors
from phieukin.grading.models import Grading
from phieukin.selfcheck import selectors as selfcheck_selectors
from phieukin.selfcheck.models import Session

router = Router(tags=["follow-through"], auth=TokenAuth())
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _session(session: Session) -> dict[str, Any]:
    session = selfcheck_selectors.session_detail(session)
    summary = selfcheck_selectors.session_summary(session)
    items = {i.key: i for i in selfcheck_selectors.checklist_items(session.checklist)}
    return {
        "id": session.pk,
        "unit": {"id": session.unit_id, "name": str(session.unit)},
        "period": session.period,
        "title": session.title,
        "held_on": session.held_on.isoformat(),
        "participants": session.participants,
        "speakers": session.speakers,
        "checklist": {
            "id": session.checklist_id,
            "code": session.checklist.code,
            "version": session.checklist.version,
            "items": len(items),
            "drafts": sum(1 for i in items.values() if not i.verified),
        },
        "entries": [
            {
                "kind": entry.kind,
                "name": entry.name,
                "none_apply": entry.none_apply,
                "findings": [
                    {
                        "item": f.item.key,
                        "number": f.item.order,
                        "text": f.item.text,
                        "draft": not f.item.verified,
                        "remedy": f.remedy,
                        "follow_up_by": f.follow_up_by,
                        "due_on": f.due_on.isoformat(),
                        "status": f.status,
                        "done_on": f.done_on.isoformat() if f.done_on else None,
                    }
                    for f in entry.findings.all()
                ],
            }
            for entry in session.entries.all()
        ],
        "summary": {
            "remedies": summary.remedies,
            "done": summary.done,
            "in_progress": summary.in_progress,
            "overdue": summary.overdue,
            "items": [
                {
                    "item": row.item,
                    "draft": not items[row.item].verified if row.item in items else None,
                    "collectives": row.collectives,
                    "individuals": row.individuals,
                }
                for row in summary.items
            ],
        },
    }


@router.get("/selfchecks", response={200: dict[str, Any], **ERRORS})
def selfchecks(
    request: HttpRequest, unit: int | None = None, period: str | None = None
) -> dict[str, Any]:
    """Return the self-check sessions the caller reads (of a unit and below, of a period)."""
    user = request.auth  # type: ignore[attr-defined]
    sessions = list(selfcheck_selectors.sessions_for(user, unit_id=unit, period=period))
    scope = selfcheck_selectors.scope_summary(user, period=period, unit_id=unit)
    return {
        "as_of": timezone.localdate().isoformat(),
        "sessions": [_session(s) for s in sessions],
        "scope": {
            "sessions": len(scope.sessions),
            "collectives": scope.collectives,
            "individuals": scope.individuals,
            "remedies": scope.summary.remedies,
            "done": scope.summary.done,
            "overdue": scope.summary.overdue,
            "items": [
                {"item": r.item, "collectives": r.collectives, "individuals": r.individuals}
                for r in scope.summary.items
            ],
            "trend": [
                {
                    "period": line.period,
                    "named": line.summary.remedies,
                    "done": line.summary.done,
                    "overdue": line.summary.overdue,
                    "change": {item: delta for item, delta in line.change if delta},
                }
                for line in scope.trend
            ],
        },
    }


def _step(grade: str, general: Any, tasks: Any, by: Any, at: Any, text: str) -> dict[str, Any]:
    return {
        "grade": grade or None,
        "general": str(general) if general is not None else None,
        "tasks": str(tasks) if tasks is not None else None,
        "total": str(general + tasks) if general is not None and tasks is not None else None,
        "by": str(by) if by else None,
        "at": at.isoformat() if at else None,
        "text": text,
    }


def _grading(g: Grading) -> dict[str, Any]:
    return {
        "id": g.pk,
        "year": g.year.year,
        "regulation": g.year.regulation,
        "kind": g.kind,
        "unit": {"id": g.unit_id, "name": str(g.unit)},
        "person": g.person_id,
        "name": g.name,
        "position": g.position_title,
        "group": g.peer_group,
        "step": g.step,
        "grade": g.current_grade or None,
        "self_assessment": _step(
            g.self_grade, g.self_general, g.self_tasks, g.self_by, g.self_at, g.self_text
        ),
        "proposal": _step(
            g.proposed_grade,
            g.proposed_general,
            g.proposed_tasks,
            g.proposed_by,
            g.proposed_at,
            g.proposal_text,
        ),
        "decision": _step(
            g.decided_grade,
            g.decided_general,
            g.decided_tasks,
            g.decided_by,
            g.decided_at,
            g.decision_text,
        ),
    }


@router.get("/gradings", response={200: dict[str, Any], **ERRORS})
def gradings(
    request: HttpRequest, year: int | None = None, unit: int | None = None
) -> dict[str, Any]:
    """Return the gradings the caller reads, with the cap per group where they read the year."""
    user = request.auth  # type: ignore[attr-defined]
    rows = list(
        grading_selectors.gradings_for(user, year=year, unit_id=unit).select_related(
            "self_by", "proposed_by", "decided_by"
        )
    )
    caps = []
    for grading_year in {g.year for g in rows}:
        if not can(user, "grading.view_year", grading_year):
            continue
        regulation = rules.rulebook().regulation(grading_year.regulation)
        for check in grading_selectors.cap_checks(grading_year):
            caps.append(
                {
                    "year": grading_year.year,
                    "regulation": regulation.key,
                    "group": check.group,
                    "excellent": check.excellent,
                    "good": check.good,
                    "allowed": check.allowed,
                    "exceeded": check.exceeded,
                }
            )
    return {
        "gradings": [_grading(g) for g in rows],
        "caps": sorted(caps, key=lambda c: (c["year"], c["group"])),
    }
