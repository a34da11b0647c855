"""Who may do what with a box's paper ballots (typing, scanning, reviewing, printing).

The object is always the ballot box; its ward is ``box.conference.unit_id``. The
counting committee, the ward organiser and the district organiser count in a ward; any of
them may drop or void a typed sheet that waits (audited, with a reason when voided) and
decide two differing entries unless they typed one of them (checked in the service): a
ward with only two counters has the ward's office or the organiser decide. Handwritten comments and
whole page images are never shown to a leader evaluated in the box, whatever other role
they hold: handwriting identifies its writer. The Standing Committee reads a box's paper
figures, as it reads the box's other pages, and does nothing else. Across a round, the
same readers see how the scan reader fared in the wards they read (``paper.view_checks``).
"""

from __future__ import annotations

from typing import Any

from phieukin.accounts.access import rule
from phieukin.accounts.models import Role
from phieukin.accounts.scoping import unit_ids_for

COUNTING_ROLES = (Role.DISTRICT_ORGANISER, Role.WARD_ORGANISER, Role.COUNTER)
READING_ROLES = (*COUNTING_ROLES, Role.STANDING_COMMITTEE)


def _counts_in(actor: Any, box: Any) -> bool:
    return bool(box.conference.unit_id in unit_ids_for(actor, roles=list(COUNTING_ROLES)))


def _evaluated_in(actor: Any, box: Any) -> bool:
    person_id = getattr(actor, "person_id", None)
    if not person_id:
        return False
    return bool(box.conference.subjects.filter(person_id=person_id).exists())


@rule("paper.view")
def view_paper(actor: Any, box: Any) -> bool:
    """The box's counters and the Standing Committee see its paper figures (read only)."""
    return bool(box.conference.unit_id in unit_ids_for(actor, roles=list(READING_ROLES)))


@rule("paper.view_checks")
def view_reader_checks(actor: Any, round: Any) -> bool:
    """Whoever reads paper figures in a ward of the round sees the scan reader's checks
    there (the selector keeps to those wards): counts only, never a sheet."""
    units = unit_ids_for(actor, roles=list(READING_ROLES))
    return bool(units) and round.conferences.filter(unit_id__in=units).exists()


@rule("paper.configure")
def configure_paper(actor: Any, box: Any) -> bool:
    """The box's counters switch double entry on or off."""
    return _counts_in(actor, box)


@rule("paper.enter")
def enter_paper(actor: Any, box: Any) -> bool:
    """The box's counters type paper sheets."""
    return _counts_in(actor, box)


@rule("paper.resolve")
def resolve_paper(actor: Any, box: Any) -> bool:
    """The box's counters decide two differing entries (not a typist of them: see the service)."""
    return _counts_in(actor, box)


@rule("paper.discard")
def discard_paper(actor: Any, box: Any) -> bool:
    """The box's counting committee drops or voids a typed sheet that waits (audited)."""
    return _counts_in(actor, box)


@rule("paper.print")
def print_paper(actor: Any, box: Any) -> bool:
    """The box's counters print its ballots."""
    return _counts_in(actor, box)


@rule("paper.scan")
def scan_paper(actor: Any, box: Any) -> bool:
    """The box's counters upload and read scans."""
    return _counts_in(actor, box)


@rule("paper.review")
def review_paper(actor: Any, box: Any) -> bool:
    """The box's counters decide scanned copies sent to review."""
    return _counts_in(actor, box)


@rule("paper.see_handwriting")
def see_handwriting(actor: Any, box: Any) -> bool:
    """The box's counters see comment images and whole pages, unless evaluated in the box."""
    return _counts_in(actor, box) and not _evaluated_in(actor, box)
