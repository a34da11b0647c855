"""Reads of the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from phieukin.accounts.access import can
from phieukin.accounts.scoping import unit_ids_for
from phieukin.audit.models import AuditEvent


def events_for(user: Any, *, action: str = "", unit_id: int | None = None) -> QuerySet[AuditEvent]:
    """Return the audit events the user may read, newest first, optionally filtered.

    Events of units the user reaches are shown, and events bound to no unit (imports of
    questionnaires, people) to those who may read the log at all.
    """
    if not can(user, "audit.view"):
        return AuditEvent.objects.none()
    ids = unit_ids_for(user)
    qs = AuditEvent.objects.filter(Q(unit_id__in=ids) | Q(unit__isnull=True)).select_related("unit")
    if action:
        qs = qs.filter(action=action)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("-id")


def actions_for(user: Any) -> list[str]:
    """Return the distinct actions in the log the user may read, sorted."""
    return sorted(set(events_for(user).values_list("action", flat=True).distinct()))


@dataclass(frozen=True)
class UnitChoice:
    """A unit that events of the log are bound to, for the page's filter."""

    pk: int
    name: str


def units_for_filter(user: Any) -> list[UnitChoice]:
    """Return the units the user's visible events are bound to, in Vietnamese order."""
    rows = (
        events_for(user)
        .exclude(unit__isnull=True)
        .order_by("unit__sort_key")
        .values_list("unit_id", "unit__name")
        .distinct()
    )
    return [UnitChoice(pk=pk, name=name) for pk, name in rows]
