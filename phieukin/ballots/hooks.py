"""The ballot core's own registration hook, beside those of :mod:`phieukin.rounds.hooks`.

Sealing asks ``rounds.hooks.box_work_waiting`` whether paper work still waits and records
``rounds.hooks.box_evidence_digests``; verification also has to re-read the evidence
files themselves, which is this hook's question:

- ``box_evidence_problems.ask(box)`` → one list per receiver of translated problems
  (a stored scan file missing, or changed since it was stored).

The public ballots export must follow what the public box tally shows (complementary
suppression, banded items), and the tally is computed by ``tallying``, above the ballot
core:

- ``export_shown_in_tally.ask(box, ballots, released, grouped)`` → one pair per receiver
  of (released subjects, grouped subjects) narrowed to what the box tally shows in full.
  It is *required*: exporting without the tally's answer would undo its suppression.

Sealing also tells the apps above that a box has just been sealed, inside the sealing
transaction, so what they derive from the sealed ballots is stored with the seal or not at
all (``tallying`` stores the box's tally snapshot there; reads never write one):

- ``box_sealed.ask(box)`` → nothing; a receiver that fails makes the seal fail.

The paper and tallying apps connect their receivers in ``AppConfig.ready()``; the ballot
core never imports them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phieukin.core.hooks import Hook

if TYPE_CHECKING:
    from phieukin.ballots.digest import CanonicalBallot
    from phieukin.rounds.models import BallotBox

box_evidence_problems: Hook[[BallotBox], list[str]] = Hook("box_evidence_problems")
export_shown_in_tally: Hook[
    [BallotBox, list[CanonicalBallot], set[int], set[int]], tuple[set[int], set[int]]
] = Hook("export_shown_in_tally", required=True)
box_sealed: Hook[[BallotBox], None] = Hook("box_sealed")


def evidence_problems(box: BallotBox) -> list[str]:
    """Return every receiver's problems with *box*'s evidence files."""
    return [problem for part in box_evidence_problems.ask(box) for problem in part]


def shown_in_tally(
    box: BallotBox, ballots: list[CanonicalBallot], released: set[int], grouped: set[int]
) -> tuple[set[int], set[int]]:
    """Narrow *released* and *grouped* to what every receiver's box tally shows in full."""
    for shown, shown_grouped in export_shown_in_tally.ask(box, ballots, released, grouped):
        released = released & shown
        grouped = grouped & shown_grouped
    return released, grouped & released
