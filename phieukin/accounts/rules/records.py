"""Rules of the leader's record (hồ sơ): who opens it at all.

The object has ``person_id`` and ``unit_ids`` (every unit where the person held a post
or made a commitment). Opening the record decides nothing about its parts: each part
is shown only by its own domain's rule (a feedback report by the report rules, the
criteria by ``criteria.view``, …), so a reader who opens the record may still see only
some parts of it.
"""

from __future__ import annotations

from typing import Any

from phieukin.accounts.access import rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for

READERS = (Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE, Role.WARD_ORGANISER)


def _opens(actor: Any, obj: Any) -> bool:
    person_id = getattr(actor, "person_id", None)
    if person_id is not None and person_id == getattr(obj, "person_id", None):
        return True
    units = set(getattr(obj, "unit_ids", ()) or ())
    return bool(units & unit_ids_for(actor, roles=list(READERS)))


@rule("record.open")
def open_record(actor: Any, obj: Any) -> bool:
    """The person themself and the organisers and Standing Committee above their units."""
    return _opens(actor, obj)


@rule("record.export")
def export_record(actor: Any, obj: Any) -> bool:
    """Whoever opens the record may export what they see of it for the personnel file."""
    return _opens(actor, obj)
