"""The ballot core's own registration hook, beside those of :mod:`phieukin.rounds.hooks`.

Sealing asks ``rounds.hooks.box_work_waiting`` whether paper work still waits and records
``rounds.hooks.box_evidence_digests``; verification also has to re-read the evidence
files themselves, which is this hook's question:

- ``box_evidence_problems.ask(box)`` → one list per receiver of translated problems
  (a stored scan file missing, or changed since it was stored).
- ``box_tally_in_full.ask(box, pairs)`` → per receiver, the subjects the public box tally
  shows in full and the ``(subject, group key)`` pairs among *pairs* it shows in full
  (the ballots CSV releases nothing more; the tallying app answers).

The paper and tallying apps connect their receivers in ``AppConfig.ready()``; the ballot
core never imports them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phieukin.core.hooks import Hook

if TYPE_CHECKING:
    from phieukin.rounds.models import BallotBox

box_evidence_problems: Hook[[BallotBox], list[str]] = Hook("box_evidence_problems")

ShownInFull = tuple[set[int], set[tuple[int, str]]]
box_tally_in_full: Hook[[BallotBox, set[tuple[int, str]]], ShownInFull] = Hook(
    "box_tally_in_full", required=True
)


def evidence_problems(box: BallotBox) -> list[str]:
    """Return every receiver's problems with *box*'s evidence files."""
    return [problem for part in box_evidence_problems.ask(box) for problem in part]


def tally_in_full(box: BallotBox, pairs: set[tuple[int, str]]) -> ShownInFull:
    """Return what every receiver agrees the box tally shows in full (nothing is assumed)."""
    answers = box_tally_in_full.ask(box, pairs)
    subjects = set.intersection(*(a[0] for a in answers))
    groups = set.intersection(*(a[1] for a in answers))
    return subjects, groups
