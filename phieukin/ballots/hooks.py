"""Registration hooks through which apps above the ballot core answer its questions.

The ballot core must not import the apps built on it (the layers point down only), yet
sealing has to ask "is paper work still pending for this box?", and the seal covers the
digests of the stored scans. An app that holds such work registers a callable here from
its ``AppConfig.ready()``; the ballot core asks every registered callable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PendingWork = Callable[[Any], int]
EvidenceDigests = Callable[[Any], list[str]]
EvidenceProblems = Callable[[Any], list[str]]

_pending: list[PendingWork] = []
_digests: list[EvidenceDigests] = []
_problems: list[EvidenceProblems] = []


def register_pending_work(function: PendingWork) -> None:
    """Register *function(box) -> int*: how many items of the box wait before sealing."""
    if function not in _pending:
        _pending.append(function)


def register_evidence(*, digests: EvidenceDigests, problems: EvidenceProblems) -> None:
    """Register the box's evidence files: their digests (sealed) and a re-check (verify)."""
    if digests not in _digests:
        _digests.append(digests)
    if problems not in _problems:
        _problems.append(problems)


def pending_work(box: Any) -> int:
    """Return how many items registered apps still hold for *box* (0: nothing waits)."""
    return sum(function(box) for function in _pending)


def evidence_digests(box: Any) -> list[str]:
    """Return the sorted digests of every evidence file registered apps keep for *box*."""
    return sorted(digest for function in _digests for digest in function(box))


def evidence_problems(box: Any) -> list[str]:
    """Return what registered apps found changed or missing in *box*'s evidence files."""
    return [problem for function in _problems for problem in function(box)]
