"""Ballot-box fixtures: the committee's key shares, kept for tests that seal.

A box's key shares are printed once at opening and never stored by the product; sealing
needs t of them. Tests of other apps open and seal boxes without handling shares, so
this autouse fixture plays the committee: it keeps the shares of every box opened during
the test (in memory, per test) and types them when ``seal_box`` is called without
shares. Tests about shares themselves pass ``shares=`` explicitly, which always wins.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from phieukin.ballots import boxkeys
from phieukin.ballots.models import BoxKey
from phieukin.ballots.services import sealing

_kept: dict[str, list[str]] = {}


def kept_shares(box: Any) -> list[str]:
    """Return the typed shares of an opened box, as the committee holds them."""
    key = BoxKey.objects.get(box_id=box.pk if hasattr(box, "pk") else box)
    return list(_kept[key.fingerprint])


@pytest.fixture(autouse=True)
def _committee_keeps_shares(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = boxkeys.new_box_key

    def remembering(*, threshold: int, members: int, recovery: bool) -> boxkeys.BoxKeyMaterial:
        material = original(threshold=threshold, members=members, recovery=recovery)
        _kept[material.fingerprint] = [share.typed() for share in material.shares]
        return material

    def typed_by_committee(key: BoxKey) -> Sequence[str]:
        shares = _kept.get(key.fingerprint)
        if shares is None:
            raise AssertionError("the test opened this box without keeping its shares")
        return shares[: key.threshold]

    monkeypatch.setattr(boxkeys, "new_box_key", remembering)
    monkeypatch.setattr(sealing, "missing_shares", typed_by_committee)
    yield
    _kept.clear()
