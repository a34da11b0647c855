"""The ballot core's own registration hook, beside those of :mod:`phieukin.rounds.hooks`.

Sealing asks ``rounds.hooks.box_work_waiting`` whether paper work still waits and records
``rounds.hooks.box_evidence_digests``; verification also has to re-read the evidence
files themselves, which is this hook's question:

- ``box_evidence_problems.ask(box)`` → one list per receiver of translated problems
  (a stored scan file missing, or changed since it was stored).

The paper app connects its receivers in ``AppConfig.ready()``; the ballot core never
imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phieukin.core.hooks import Hook

if TYPE_CHECKING:
    from phieukin.rounds.models import BallotBox

box_evidence_problems: Hook[[BallotBox], list[str]] = Hook("box_evidence_problems")


def evidence_problems(box: BallotBox) -> list[str]:
    """Return every receiver's problems with *box*'s evidence files."""
    return [problem for part in box_evidence_problems.ask(box) for problem in part]
