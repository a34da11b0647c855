"""Rules of the recognition registry: honourees (Người tốt, việc tốt) and emulation models.

Objects are read by attribute (``unit_id``). Recognitions are not confidential, but the
registry is kept by the offices: organisers record entries for the units they reach, and
only the district organiser (the office) decides what the public site shows.
"""

from __future__ import annotations

from typing import Any

from phieukin.accounts.access import rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import MANAGING_ROLES, unit_ids_for


def _reaches(actor: Any, obj: Any, roles: Any) -> bool:
    if obj is None:
        return bool(unit_ids_for(actor, roles=list(roles)))
    unit_id = getattr(obj, "unit_id", None)
    if unit_id is None:
        unit_id = getattr(obj, "pk", None)
    return unit_id in unit_ids_for(actor, roles=list(roles))


@rule("recognition.view")
def view(actor: Any, obj: Any) -> bool:
    """The back office of the unit, and the person honoured, read an entry."""
    person_id = getattr(actor, "person_id", None)
    if person_id is not None and person_id == getattr(obj, "person_id", None):
        return True
    return _reaches(actor, obj, MANAGING_ROLES)


@rule("recognition.record")
def record(actor: Any, obj: Any) -> bool:
    """Organisers record and edit honourees and models of the units they reach."""
    return _reaches(actor, obj, [Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER])


@rule("recognition.publish")
def publish(actor: Any, obj: Any) -> bool:
    """Only the district organiser (the office) marks an entry public or withdraws it."""
    return _reaches(actor, obj, [Role.DISTRICT_ORGANISER])


@rule("recognition.report")
def report(actor: Any, obj: Any) -> bool:
    """The district organiser and the Standing Committee issue the counts report."""
    return _reaches(actor, obj, [Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE])


@rule("recognition.registry.read")
def read_registry(actor: Any, obj: Any) -> bool:
    """The registry's pages: the back office of some unit (what each entry shows is then
    scoped by ``recognition.view``)."""
    return bool(unit_ids_for(actor, roles=list(MANAGING_ROLES)))
