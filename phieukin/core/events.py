"""Record an administrative event from a layer below the audit app.

``accounts`` and the admin base classes sit below ``audit`` (whose log page reads the
access rules of ``accounts``), so they cannot import ``audit.services.record_event``.
They call :func:`record_event` here; the audit app connects the real writer in its
``AppConfig.ready()``. The hook is required: with nobody connected, recording refuses
instead of silently writing nothing.
"""

from __future__ import annotations

from typing import Any

from phieukin.core.hooks import Hook

event_recorded: Hook[..., Any] = Hook("event_recorded", required=True)


def record_event(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    unit: Any = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Append one event to the audit chain, inside the caller's transaction."""
    event_recorded.ask(actor=actor, action=action, obj=obj, unit=unit, data=data)
