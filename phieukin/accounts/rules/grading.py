"""Rules of the annual review and quality grading.

Three steps, three roles (documented in docs/SELFCHECK-AND-GRADING.md):

1. self-assessment and self-grading — an individual by themself (a leader's user linked
   to the person) or by their unit's office on their behalf; a collective by its office
   (the ward organiser role);
2. the advisory body's proposal — the organiser of the scope (district organiser role);
3. the competent level's decision — the Standing Committee.

Gradings are read by those three and by the person graded. Objects are read by
attribute: ``unit_id``, ``person_id``, ``kind``; a year by ``organiser_unit_id``.
"""

from __future__ import annotations

from typing import Any

from phieukin.accounts.access import rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import roles_of, unit_ids_for


def _own(actor: Any, obj: Any) -> bool:
    person_id = getattr(actor, "person_id", None)
    return (
        getattr(obj, "kind", None) == "individual"
        and person_id is not None
        and person_id == getattr(obj, "person_id", None)
        and Role.LEADER in roles_of(actor)
    )


def _reaches(actor: Any, unit_id: int | None, *roles: str) -> bool:
    return unit_id is not None and unit_id in unit_ids_for(actor, roles=list(roles))


@rule("grading.open_year")
def open_year(actor: Any, obj: Any) -> bool:
    """The organiser of the unit (*obj*) opens its year of grading."""
    return _reaches(actor, getattr(obj, "pk", None), Role.DISTRICT_ORGANISER)


@rule("grading.view_year")
def view_year(actor: Any, obj: Any) -> bool:
    """The organiser and the Standing Committee of the scope read a year's whole table."""
    return _reaches(
        actor,
        getattr(obj, "organiser_unit_id", None),
        Role.DISTRICT_ORGANISER,
        Role.STANDING_COMMITTEE,
    )


@rule("grading.view")
def view(actor: Any, obj: Any) -> bool:
    """The person graded, the unit's office, the organiser and the Standing Committee."""
    return _own(actor, obj) or _reaches(
        actor,
        obj.unit_id,
        Role.WARD_ORGANISER,
        Role.DISTRICT_ORGANISER,
        Role.STANDING_COMMITTEE,
    )


@rule("grading.self_assess")
def self_assess(actor: Any, obj: Any) -> bool:
    """The individual or the unit's office assesses and grades itself."""
    return _own(actor, obj) or _reaches(actor, obj.unit_id, Role.WARD_ORGANISER)


@rule("grading.propose")
def propose(actor: Any, obj: Any) -> bool:
    """The organiser, as the advisory body, proposes the grade."""
    return _reaches(actor, obj.unit_id, Role.DISTRICT_ORGANISER)


@rule("grading.decide")
def decide(actor: Any, obj: Any) -> bool:
    """The Standing Committee, the competent level, decides the grade."""
    return _reaches(actor, obj.unit_id, Role.STANDING_COMMITTEE)
