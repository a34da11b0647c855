"""Fixtures of the paper tests: an open box of ward 0, committee members, ward B's box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from phieukin.accounts.models import Membership, Role, User
from phieukin.ballots.services import open_box
from phieukin.ballots.sheet import ItemShape
from phieukin.paper import scanning
from phieukin.paper.models import PaperOptions
from phieukin.paper.tests.helpers import login
from phieukin.questionnaires.shapes import item_shapes
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.units.models import Unit


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Store scans in a temporary directory, never in the project's ``var/``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def no_unasked_random_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scan tests stay deterministic: a box whose share of blind checks was never set
    checks none (the product's default is 5 %, drawn at random). Tests of the random
    check set the share on their box, which then applies as in the product."""

    def percent(box: BallotBox) -> int:
        found = PaperOptions.objects.filter(box=box).values_list("spot_check_percent", flat=True)
        return found.first() or 0

    monkeypatch.setattr(scanning, "spot_check_percent", percent)


@pytest.fixture
def open_box_(box: BallotBox) -> BallotBox:
    """Return ward 0's box, opened."""
    return open_box(actor=None, box=box).box


@pytest.fixture
def counter2(wards: list[Unit]) -> User:
    """Return a second member of ward 0's counting committee."""
    user = User.objects.create_user(username="kiemphieu2", password="pw", full_name="Kiểm phiếu 2")
    Membership.objects.create(user=user, unit=wards[0], role=Role.COUNTER)
    return user


@pytest.fixture
def counter3(wards: list[Unit]) -> User:
    """Return a third member of ward 0's counting committee."""
    user = User.objects.create_user(username="kiemphieu3", password="pw", full_name="Kiểm phiếu 3")
    Membership.objects.create(user=user, unit=wards[0], role=Role.COUNTER)
    return user


@pytest.fixture
def counter_b(wards: list[Unit]) -> User:
    """Return a counter of ward 1 (ward B)."""
    user = User.objects.create_user(username="kiemphieub", password="pw")
    Membership.objects.create(user=user, unit=wards[1], role=Role.COUNTER)
    return user


@pytest.fixture
def box_b(open_round_: Round, wards: list[Unit]) -> BallotBox:
    """Return ward 1's box, opened."""
    return open_box(
        actor=None,
        box=BallotBox.objects.get(conference__round=open_round_, conference__unit=wards[1]),
    ).box


@pytest.fixture
def subject(open_box_: BallotBox) -> Subject:
    """Return the first leader evaluated in ward 0's box."""
    return Subject.objects.filter(conference=open_box_.conference).order_by("order")[0]


@pytest.fixture
def shapes(open_box_: BallotBox) -> list[ItemShape]:
    return item_shapes(open_box_.conference.round.questionnaire)


@pytest.fixture
def as_counter(counter: User) -> Client:
    return login(counter)
