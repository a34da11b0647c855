"""Rules of a ballot box's life: codes, opening, closing, paper, sealing, attendance.

Two groups of people act on a box: the organisers (the district organiser and the
ward's organiser) prepare it; the counting committee (counters) runs it once it is open.
Four eyes: once a box has been opened, the figures it is reconciled against — new or
voided codes and the conference's attendance — change only through the counting
committee, never through an organiser alone; each change is audited and the
reconciliation shows who entered it.
"""

from __future__ import annotations

from typing import Any

from phieukin.accounts.access import rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for

ORGANISERS = (Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER)
COMMITTEE = (Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER, Role.COUNTER)


def _reaches(actor: Any, box: Any, roles: tuple[str, ...]) -> bool:
    return box.conference.unit_id in unit_ids_for(actor, roles=list(roles))


def _opened(box: Any) -> bool:
    return box.opened_at is not None


def _figures(actor: Any, box: Any) -> bool:
    """Organisers before opening; only the counting committee once the box has opened."""
    if _opened(box):
        return _reaches(actor, box, (Role.COUNTER,))
    return _reaches(actor, box, COMMITTEE)


@rule("box.codes.generate")
def generate_codes(actor: Any, box: Any) -> bool:
    """Make codes: the organisers before opening, the counting committee after."""
    return _figures(actor, box)


@rule("box.codes.void")
def void_codes(actor: Any, box: Any) -> bool:
    """Void codes: the organisers before opening, the counting committee after."""
    return _figures(actor, box)


@rule("box.attendance")
def record_attendance(actor: Any, box: Any) -> bool:
    """Change the conference's attendance once its box has opened: the counting committee."""
    return _figures(actor, box)


@rule("box.attendance.propose")
def propose_attendance(actor: Any, box: Any) -> bool:
    """Propose an attendance change of an open box: the organisers or the counting committee
    of its ward (another person confirms it: ``box.attendance.confirm``)."""
    return _opened(box) and _reaches(actor, box, COMMITTEE)


@rule("box.attendance.confirm")
def confirm_attendance(actor: Any, proposal: Any) -> bool:
    """Confirm a proposed attendance change: an organiser or counter of the ward, provided
    that the proposer or the confirmer is on the counting committee (the ward organiser
    proposes and a counter confirms, or the reverse). The proposer never confirms their own
    proposal: the service refuses that with its own message."""
    box = proposal.conference.box
    if not _reaches(actor, box, COMMITTEE):
        return False
    return _reaches(actor, box, (Role.COUNTER,)) or _reaches(
        proposal.proposed_by, box, (Role.COUNTER,)
    )


@rule("box.open")
def open_box(actor: Any, box: Any) -> bool:
    """Open a box (and receive its key shares): organisers and the counting committee."""
    return _reaches(actor, box, COMMITTEE)


@rule("box.close")
def close_box(actor: Any, box: Any) -> bool:
    """Close or reopen a box: organisers and the counting committee."""
    return _reaches(actor, box, COMMITTEE)


@rule("box.paper")
def paper(actor: Any, box: Any) -> bool:
    """Enter paper ballots and their counts: organisers and the counting committee."""
    return _reaches(actor, box, COMMITTEE)


@rule("box.seal")
def seal_box(actor: Any, box: Any) -> bool:
    """Seal a box and attach its signed minutes: organisers and the counting committee."""
    return _reaches(actor, box, COMMITTEE)


@rule("box.scrub")
def scrub_boxes(actor: Any, obj: Any) -> bool:
    """Finish scrubbing sealed boxes' deleted copies: the operator (command line, superuser)."""
    return bool(getattr(actor, "is_superuser", False))
