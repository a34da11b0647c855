"""Registration hooks: how a lower layer asks a question that a higher layer answers.

A module low in the layers declares a :class:`Hook`; an app above it connects a receiver
in its ``AppConfig.ready()``. The lower module calls the hook without importing the app
that answers, so no import ever points upwards (``docs/ARCHITECTURE.md``, "Layers").

Example: sealing (``ballots``) must know whether paper work (``paper``, one floor up)
still waits on a box; ``phieukin.rounds.hooks.box_work_pending`` is the question and
``paper`` connects the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    """A named question with any number of receivers; calling it asks every receiver."""

    def __init__(self, name: str, *, required: bool = False) -> None:
        self.name = name
        self.required = required
        self._receivers: list[Callable[P, R]] = []

    def connect(self, receiver: Callable[P, R]) -> Callable[P, R]:
        """Add *receiver* (once; connecting it again changes nothing) and return it."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Callable[P, R]) -> None:
        """Remove *receiver* if it is connected."""
        if receiver in self._receivers:
            self._receivers.remove(receiver)

    @property
    def receivers(self) -> tuple[Callable[P, R], ...]:
        """Return the connected receivers in the order they were connected."""
        return tuple(self._receivers)

    def ask(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        """Call every receiver and return their answers in order.

        A hook declared ``required`` refuses to answer when nobody is connected: a
        missing receiver there is a configuration error, never a silent "nothing".
        """
        if self.required and not self._receivers:
            raise RuntimeError(f"hook {self.name!r} has no receiver; is its app installed?")
        return [receiver(*args, **kwargs) for receiver in self._receivers]

    def __repr__(self) -> str:
        return f"<Hook {self.name} ({len(self._receivers)} receiver(s))>"
