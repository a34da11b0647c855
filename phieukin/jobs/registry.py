"""The kinds of background work: each app registers its handlers in ``AppConfig.ready``.

A handler receives the job and a ``progress(done, total, label)`` callable and returns a
:class:`Outcome`: either a file for the user to download or a list of parts to run in
parallel (each a kind and its parameters) plus the kind that assembles them at the end.
``check(actor, params)`` raises :class:`~phieukin.accounts.access.AccessDenied` (through
``authorize``) when the actor may not start the work; it runs before anything is queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from phieukin.jobs.models import Job

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Part:
    kind: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What a handler produced: a file, or parts to fan out (then ``assemble`` runs last)."""

    data: bytes | None = None
    filename: str = ""
    parts: tuple[Part, ...] = ()
    assemble: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable[[Job, Progress], Outcome]
    check: Callable[[Any, dict[str, Any]], None] | None = None


_KINDS: dict[str, Kind] = {}


def register(
    name: str,
    run: Callable[[Job, Progress], Outcome],
    *,
    check: Callable[[Any, dict[str, Any]], None] | None = None,
) -> None:
    """Register the handler of the job kind *name* (once)."""
    if name in _KINDS:
        raise RuntimeError(f"job kind registered twice: {name}")
    _KINDS[name] = Kind(name=name, run=run, check=check)


def kind(name: str) -> Kind:
    """Return the registered job kind *name* (``KeyError`` when unknown)."""
    return _KINDS[name]
