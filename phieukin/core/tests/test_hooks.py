"""A hook lets a lower layer ask a question that a higher layer answers."""

from __future__ import annotations

import pytest

from phieukin.core.hooks import Hook


def test_it_asks_every_receiver_in_the_order_they_were_connected() -> None:
    hook: Hook[[int], int] = Hook("double_and_triple")
    hook.connect(lambda n: 2 * n)
    hook.connect(lambda n: 3 * n)
    assert hook.ask(5) == [10, 15]


def test_connecting_a_receiver_twice_asks_it_once() -> None:
    hook: Hook[[], str] = Hook("once")

    def answer() -> str:
        return "yes"

    hook.connect(answer)
    hook.connect(answer)
    assert hook.ask() == ["yes"]
    hook.disconnect(answer)
    assert hook.ask() == []


def test_a_required_hook_without_receiver_refuses_to_answer() -> None:
    hook: Hook[[], None] = Hook("audit", required=True)
    with pytest.raises(RuntimeError, match="no receiver"):
        hook.ask()


def test_the_admin_audit_hook_is_answered_by_the_audit_app() -> None:
    from phieukin.audit.services import record_event
    from phieukin.core.admin import admin_change_recorded

    assert record_event in admin_change_recorded.receivers
