"""Rules of the professional criteria: import sets, commit, assess, review, remind.

Objects are read by attribute: a commitment (or anything with ``person_id`` and
``unit_id``). An official acts on their own commitment through the ``person`` linked to
their user; the district organiser and the Standing Committee of a unit above review;
the ward organiser keeps the ward's commitments and reminders.
"""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for


def _own(actor: Any, obj: Any) -> bool:
    person_id = getattr(actor, "person_id", None)
    return person_id is not None and person_id == getattr(obj, "person_id", None)


def _reaches(actor: Any, obj: Any, *roles: str) -> bool:
    return getattr(obj, "unit_id", None) in unit_ids_for(actor, roles=list(roles))


@rule("criteria.import")
def import_set(actor: Any, obj: Any) -> bool:
    """A district organiser imports criteria sets."""
    return permissions.is_district_organiser(actor)


@rule("criteria.commit")
def commit(actor: Any, obj: Any) -> bool:
    """The official, or an organiser of the official's unit, records the commitment."""
    return _own(actor, obj) or _reaches(actor, obj, Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER)


@rule("criteria.assess")
def assess(actor: Any, obj: Any) -> bool:
    """Only the official writes and submits their own self-assessment."""
    return _own(actor, obj)


@rule("criteria.review")
def review(actor: Any, obj: Any) -> bool:
    """The district organiser or Standing Committee above the unit reviews; never oneself."""
    return not _own(actor, obj) and _reaches(
        actor, obj, Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE
    )


@rule("criteria.view")
def view(actor: Any, obj: Any) -> bool:
    """The official, the unit's organisers and the Standing Committee read the results."""
    return _own(actor, obj) or _reaches(
        actor, obj, Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER, Role.STANDING_COMMITTEE
    )


@rule("criteria.remind")
def remind(actor: Any, obj: Any) -> bool:
    """Organisers list and queue reminders for the units they reach (obj: a unit or None)."""
    roles = [Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER]
    if obj is None:
        return bool(unit_ids_for(actor, roles=roles))
    return getattr(obj, "pk", None) in unit_ids_for(actor, roles=roles)


@rule("criteria.read")
def read_pages(actor: Any, obj: Any) -> bool:
    """The criteria pages: an official linked to a person (their own commitments), and the
    organisers and the Standing Committee (the commitments of the units they reach)."""
    return bool(
        getattr(actor, "person_id", None)
        or unit_ids_for(
            actor,
            roles=[Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER, Role.STANDING_COMMITTEE],
        )
    )
