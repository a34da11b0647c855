"""Who creates and moves rounds, and who records a conference's attendance and details."""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import can, rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for


@rule("round.view")
def view_rounds(actor: Any, obj: Any) -> bool:
    """Back-office roles and evaluated leaders open the round pages (scoped by selectors)."""
    return permissions.is_back_office(actor) or permissions.is_leader(actor)


@rule("round.create")
def create_round(actor: Any, organiser_unit: Any) -> bool:
    """The district organiser of the organising unit creates its rounds."""
    return permissions.can_create_round(actor, organiser_unit)


@rule("round.open")
def open_round(actor: Any, round: Any) -> bool:
    """The district organiser of the round's organising unit opens it."""
    return permissions.can_manage_round(actor, round)


@rule("round.close")
def close_round(actor: Any, round: Any) -> bool:
    """The district organiser of the round's organising unit closes it."""
    return permissions.can_manage_round(actor, round)


@rule("round.edit")
def edit_round(actor: Any, round: Any) -> bool:
    """The district organiser of the round's organising unit edits its draft."""
    return permissions.can_manage_round(actor, round)


@rule("round.delete")
def delete_round(actor: Any, round: Any) -> bool:
    """The district organiser of the round's organising unit deletes its draft."""
    return permissions.can_manage_round(actor, round)


@rule("round.remove_ward")
def remove_ward(actor: Any, round: Any) -> bool:
    """The district organiser of the round's organising unit drops a ward (box unopened)."""
    return permissions.can_manage_round(actor, round)


@rule("round.publish")
def publish_round(actor: Any, round: Any) -> bool:
    """The district organiser of the round's organising unit publishes it."""
    return permissions.can_manage_round(actor, round)


@rule("conference.record_attendance")
def record_attendance(actor: Any, conference: Any) -> bool:
    """The ward organiser of the conference's ward, or the district organiser.

    The counting committee, the Standing Committee, leaders and the Fatherland Front do
    not: the figures are checked against the box by the committee, not set by it. When
    the figures may change at all (not after counting began) is the service's rule.
    Once the conference's box is open, four eyes apply instead: ``box.attendance``
    (``rules/ballots.py``) lets only the counting committee change them.
    """
    box = getattr(conference, "box", None)
    if box is not None and box.opened_at is not None:
        return can(actor, "box.attendance", box)
    return permissions.can_manage_conference(actor, conference)


@rule("round.plan")
def record_round_plan(actor: Any, round: Any) -> bool:
    """The organiser of the round records the plan it carries out (number, date, issuer)."""
    return permissions.can_manage_round(actor, round)


@rule("conference.record_details")
def record_conference_details(actor: Any, conference: Any) -> bool:
    """Venue, time, chair, secretary and counting committee present, as the minutes print.

    The organisers of the conference and its counting committee (who sign the minutes)
    record them; when they may still change (not after sealing) is the service's rule.
    """
    if permissions.can_manage_conference(actor, conference):
        return True
    return conference.unit_id in unit_ids_for(actor, roles=[Role.COUNTER])
