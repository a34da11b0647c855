"""The one home of access: every action a service performs is authorized here.

Each rule is a predicate ``(actor, obj) -> bool`` registered under an action name
(``"box.open"``, ``"plan.approve"`` …) in one of the modules of
:mod:`phieukin.accounts.rules`, one module per domain. Services call
:func:`authorize` for their own action before they change anything; views and the API
only translate :class:`AccessDenied` into 403 (or 404 where existence itself is secret),
so the web and the API always give the same answer for the same person and action.

``actor=None`` means the operator's command line (``manage.py``), which is trusted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from phieukin.core.errors import PermissionDenied

Predicate = Callable[[Any, Any], bool]

_RULES: dict[str, Predicate] = {}


class AccessDenied(PermissionDenied):
    """The actor may not perform this action on this object."""


def rule(action: str) -> Callable[[Predicate], Predicate]:
    """Register the decorated predicate as the rule for *action* (once per action)."""

    def register(predicate: Predicate) -> Predicate:
        if action in _RULES:
            raise RuntimeError(f"access rule registered twice: {action}")
        _RULES[action] = predicate
        return predicate

    return register


def actions() -> list[str]:
    """Return every registered action name, sorted."""
    _load()
    return sorted(_RULES)


def can(actor: Any, action: str, obj: Any = None) -> bool:
    """Return whether *actor* may perform *action* on *obj* (the command line always may)."""
    _load()
    if action not in _RULES:
        raise KeyError(f"no access rule for action {action!r}")
    if actor is None:
        return True
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return False
    return bool(_RULES[action](actor, obj))


def permits(action: str) -> Callable[[Any], bool]:
    """Return a one-argument predicate "may this user perform *action*" (for page guards)."""

    def check(user: Any) -> bool:
        return can(user, action) if user is not None else False

    check.__name__ = f"permits_{action.replace('.', '_')}"
    return check


def authorize(actor: Any, action: str, obj: Any = None) -> None:
    """Raise :class:`AccessDenied` unless *actor* may perform *action* on *obj*."""
    if not can(actor, action, obj):
        raise AccessDenied(_("You may not do this."), code="forbidden")


def _load() -> None:
    # The rule modules import this one to register; loading them lazily here keeps the
    # registry complete whichever module a caller imported first.
    from phieukin.accounts import rules  # noqa: F401
