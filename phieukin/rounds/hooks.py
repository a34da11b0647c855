"""Questions about a ballot box that apps above ``rounds`` answer (see :mod:`phieukin.core.hooks`).

``ballots`` seals a box; ``paper`` (a floor above ``ballots``) knows about sheets that are
typed or scanned but not in the box yet, and about stored scan files the seal must cover.
Sealing asks these hooks instead of importing ``paper``:

- ``box_work_waiting.ask(box)`` → one count per receiver of pieces of work (pending
  entries, readings awaiting review …) that must be finished or discarded before the box
  may be sealed; sealing refuses while ``sum(...)`` is not 0.
- ``box_evidence_digests.ask(box)`` → one list per receiver of SHA-256 hex digests of
  stored evidence (scan files) that the seal records and verification re-hashes.
- ``box_scan_checks.ask(box)`` → one mapping per receiver of figures telling how far
  people found the scan reader wrong when they compared it with the paper (counts only,
  never which sheet or answer); the seal records them with its counts, under the digest,
  and the counting minutes print them.

Publishing a round tells the apps above, inside the publishing transaction (``tallying``
stores the round's tally snapshot there, so published pages only read):

- ``round_published.ask(round)`` → nothing; a receiver that fails makes publishing fail.

A receiver is connected once, in its app's ``AppConfig.ready()``::

    from phieukin.rounds.hooks import box_work_waiting
    box_work_waiting.connect(paper_work_waiting)

With no receiver connected (an installation without ``paper``), nothing waits and no
evidence or check is recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phieukin.core.hooks import Hook

if TYPE_CHECKING:
    from phieukin.rounds.models import BallotBox, Round

box_work_waiting: Hook[[BallotBox], int] = Hook("box_work_waiting")
box_evidence_digests: Hook[[BallotBox], list[str]] = Hook("box_evidence_digests")
box_scan_checks: Hook[[BallotBox], dict[str, int]] = Hook("box_scan_checks")
round_published: Hook[[Round], None] = Hook("round_published")


def work_waiting(box: BallotBox) -> int:
    """Return how many pieces of work, summed over every receiver, wait on *box*."""
    return sum(box_work_waiting.ask(box))


def evidence_digests(box: BallotBox) -> list[str]:
    """Return every receiver's evidence digests of *box*, sorted."""
    return sorted(digest for part in box_evidence_digests.ask(box) for digest in part)


def scan_checks(box: BallotBox) -> dict[str, int]:
    """Return every receiver's scan-reader check figures of *box*, summed by name."""
    figures: dict[str, int] = {}
    for part in box_scan_checks.ask(box):
        for name, value in part.items():
            figures[name] = figures.get(name, 0) + value
    return dict(sorted(figures.items()))
