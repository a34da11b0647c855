"""Live dashboards: counts only, nothing that depends on what a ballot says.

The adversary watches every dashboard and status answer the product has while people
vote, polling between two submissions. The claim is tested with parallel worlds: the
same ballot box receives one ballot of different content in two rolled-back
transactions, and every dashboard must be byte-identical in both (CSRF tokens aside).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from phieukin.accounts.models import User
from phieukin.api.auth import create_api_token
from phieukin.ballots import services
from phieukin.paper import services as paper
from phieukin.rounds.models import BallotBox, Subject
from tests.adversarial.conftest import full_sheets

pytestmark = pytest.mark.django_db

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|csrftoken=[^;]+')


def _watch(box: BallotBox, viewers: list[User], token: str) -> list[bytes]:
    """Return every dashboard and status answer, as each viewer sees it."""
    pages = [
        f"/ballots/{box.pk}/live/",
        f"/ballots/{box.pk}/",
        "/ballots/",
        f"/rounds/{box.conference.round_id}/live/",
        f"/rounds/{box.conference.round_id}/",
        f"/rounds/conferences/{box.conference_id}/",
        f"/paper/boxes/{box.pk}/",
        "/",
        "/audit/",
    ]
    seen: list[bytes] = []
    for viewer in viewers:
        client = Client()
        client.force_login(viewer)
        for page in pages:
            response = client.get(page)
            seen.append(
                f"{viewer} {page} {response.status_code} ".encode()
                + _CSRF.sub(b"", response.content)
            )
    api = Client().get(
        f"/api/v1/admin/boxes/{box.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 200
    seen.append(api.content)
    for public in (f"/api/v1/boxes/{box.pk}", f"/api/v1/boxes/{box.pk}/tally"):
        seen.append(Client().get(public).content)
    return seen


def _world(action: Any, box: BallotBox, viewers: list[User], token: str) -> list[bytes]:
    with transaction.atomic():
        action()
        seen = _watch(box, viewers, token)
        transaction.set_rollback(True)
    return seen


@pytest.fixture
def watched(box: BallotBox, ward_organiser: User, standing: User) -> dict[str, Any]:
    services.open_box(actor=None, box=box)
    codes = services.generate_codes(actor=None, box=box, count=6)
    for n, code in enumerate(codes[:4]):
        services.cast_ballot(code=code, sheets=full_sheets(box, n))
    return {
        "box": box,
        "code": codes[5],
        "viewers": [ward_organiser, standing],
        "token": create_api_token(user=ward_organiser, name="dashboard"),
    }


def test_every_dashboard_is_the_same_whatever_an_online_ballot_says(
    watched: dict[str, Any],
) -> None:
    box, code = watched["box"], watched["code"]
    worlds = [
        _world(
            lambda option=option, comment=comment: services.cast_ballot(
                code=code, sheets=full_sheets(box, option, comment)
            ),
            box,
            watched["viewers"],
            watched["token"],
        )
        for option, comment in ((0, ""), (3, "Đồng chí cần sâu sát hơn"), (4, ""))
    ]
    assert worlds[0] == worlds[1] == worlds[2]
    # Control: the dashboards do move when a ballot arrives.
    assert _world(lambda: None, box, watched["viewers"], watched["token"]) != worlds[0]


def test_the_live_counts_are_the_same_whatever_a_typed_sheet_says(
    watched: dict[str, Any], counter: User, client: Client
) -> None:
    box = watched["box"]
    subject = Subject.objects.filter(conference=box.conference).order_by("pk")[0]
    n_items = len(services.shapes_for(box))
    client.force_login(watched["viewers"][0])

    def live_after(keys: str, invalid: bool) -> bytes:
        with transaction.atomic():
            paper.enter_typed_sheet(
                actor=counter, box=box, subject=subject, keys=keys, invalid=invalid
            )
            body = client.get(f"/ballots/{box.pk}/live/").content
            transaction.set_rollback(True)
        return body

    answers = {live_after("1" * n_items, False), live_after("4" * n_items, False)}
    answers.add(live_after("*", True))
    assert len(answers) == 1
