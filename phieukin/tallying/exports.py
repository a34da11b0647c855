"""What the public ballots export (:func:`phieukin.ballots.selectors.ballots_csv`) may
release, answered from the public box tally.

The ballot core sits below ``tallying`` and cannot compute the tally itself; it asks
:data:`phieukin.ballots.hooks.export_shown_in_tally`, which :class:`TallyingConfig`
connects to :func:`within_box_tally`.
"""

from __future__ import annotations

from phieukin.ballots import digest as digest_mod
from phieukin.rounds.models import BallotBox
from phieukin.tallying import tally as engine
from phieukin.tallying.selectors import box_tally


def within_box_tally(
    box: BallotBox,
    ballots: list[digest_mod.CanonicalBallot],
    released: set[int],
    grouped: set[int],
) -> tuple[set[int], set[int]]:
    """Narrow the released subjects and groups to the cells the box tally shows in full.

    The public box tally may show the ward total while hiding a leader with k or more
    ballots, because the ward minus that leader would give away a leader with fewer
    than k (complementary suppression). Releasing that leader's rows would undo it:
    ward total minus the released rows = the small leader's ballots. The tally also
    shows an item only in bands when a small group answered it unanimously; k identical
    rows would give every vote away. So a subject's rows are released only when the box
    tally shows the subject with no banded item, and its groups only when the tally
    shows every non-empty group cell of it, none of them banded either.
    """
    ward = box_tally(box)

    def in_full(cell: engine.Cell) -> bool:
        return cell.figures is not None and not any(i.banded for i in cell.figures.items)

    shown_subjects = {st.subject for st in ward.subjects if in_full(st.total)}
    shown_groups = {c.key for st in ward.subjects for c in st.groups if in_full(c)}
    used = {(b.subject_id, b.group_key) for b in ballots if b.valid and b.group_key}
    released = released & shown_subjects
    grouped = {
        sid
        for sid in grouped & released
        if all(engine.group_key(sid, gkey) in shown_groups for s, gkey in used if s == sid)
    }
    return released, grouped
