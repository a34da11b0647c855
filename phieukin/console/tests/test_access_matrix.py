"""Every route, every method, every persona and every persona's API token, against one table.

The table is the union of the apps' ``tests/access_matrix.py`` (see
:mod:`phieukin.testing.matrix`). A route or a method without a row fails; a persona that
the row lets through must not be refused; everyone else must be refused with the row's
status. Each request runs in a transaction that is rolled back, so a POST that succeeds
changes nothing for the next one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from phieukin.api.auth import create_api_token
from phieukin.ballots import services as ballots
from phieukin.jobs.models import Job
from phieukin.questionnaires.services import import_default_template
from phieukin.rounds import services as rounds
from phieukin.rounds.models import BallotBox, Subject
from phieukin.testing.followthrough import build_followthrough
from phieukin.testing.matrix import (
    LOGIN,
    PERSONAS,
    Route,
    Row,
    api_routes,
    collect_rows,
    iter_expectations,
    make_personas,
    web_routes,
)
from phieukin.testing.setup import long_bien_with_leaders
from phieukin.units.models import PositionType, Unit

# The world is built once per module; each test still runs in its own rolled-back block.
pytestmark = pytest.mark.django_db

ROUTES = [*web_routes(), *api_routes()]
TABLE = collect_rows()
MISSING = 999_999  # an id no object has


class World:
    """The objects the routes are requested on, and a client per persona and token."""

    def __init__(self) -> None:
        district = long_bien_with_leaders()
        wards = list(Unit.objects.filter(parent=district).order_by("sort_key"))
        self.users = make_personas(district, wards)
        self.tokens = {
            name: create_api_token(user=user, name="matrix") for name, user in self.users.items()
        }
        questionnaire = import_default_template(actor=None)
        positions = PositionType.objects.all()

        past = rounds.create_round(
            actor=None,
            organiser_unit=district,
            title="Đợt I/2025",
            year=2025,
            number=1,
            questionnaire=questionnaire,
            position_types=positions,
            wards=wards[:2],
        )
        rounds.open_round(actor=None, round=past)
        for box in BallotBox.objects.filter(conference__round=past):
            opening = ballots.open_box(actor=None, box=box)
            ballots.close_box(actor=None, box=box)
            ballots.seal_box(
                actor=None, box=box, shares=opening.member_shares, acknowledge_mismatch=True
            )
        rounds.close_round(actor=None, round=past)
        rounds.publish_round(actor=None, round=past)

        current = rounds.create_round(
            actor=None,
            organiser_unit=district,
            title="Đợt II/2026",
            year=2026,
            number=2,
            questionnaire=questionnaire,
            position_types=positions,
            wards=wards[:2],
            conference_date=timezone.localdate(),
        )
        rounds.open_round(actor=None, round=current)
        box = BallotBox.objects.get(conference__round=current, conference__unit=wards[0])
        ballots.open_box(actor=None, box=box)
        sealed = BallotBox.objects.get(conference__round=past, conference__unit=wards[0])
        # An attendance change of the open box proposed by the ward organiser (four eyes).
        proposal = rounds.propose_attendance(
            actor=self.users["ward_organiser"], conference=box.conference, invited=10, present=5
        )
        own = Subject.objects.get(
            conference__round=past, conference__unit=wards[0], person=self.users["leader"].person
        )
        job = Job.objects.create(kind="matrix", created_by=self.users["district_organiser"])
        leader_person = self.users["leader"].person
        assert leader_person is not None
        followthrough = build_followthrough(
            district=district, ward=wards[0], own=own, person=leader_person
        )
        self.targets: dict[str, dict[str, Any]] = {
            "job": {"job_id": job.pk},
            "": {},
            "missing": {"pk": MISSING},
            "committee_member_missing": {
                "unit_id": wards[0].pk,
                "user_id": MISSING,
                "unit": wards[0].pk,
                "member": MISSING,
            },
            "public_unit": {"unit_id": wards[0].pk, "plan_id": MISSING, "pk": wards[0].pk},
            # The follow-through API: the first ward, the current round, the leader's record;
            # no plan is posted in this world.
            "followthrough": {
                "unit": wards[0].pk,
                "round": current.pk,
                "person": self.users["leader"].person_id,
                "plan": MISSING,
            },
            "questionnaire": {"pk": questionnaire.pk},
            "round": {"pk": current.pk, "round_id": current.pk, "action": "close"},
            "draft_round": {"pk": current.pk, "action": "open"},
            "conference": {"pk": box.conference_id},
            "box": {
                "box_id": box.pk,
                "box": box.pk,
                "code": "ABCD-EFGH-JKLM",
                "conference": box.conference_id,
            },
            "sealed_box": {"box_id": sealed.pk, "box": sealed.pk},
            "attendance_proposal": {
                "box_id": box.pk,
                "box": box.pk,
                "proposal_id": proposal.pk,
                "proposal": proposal.pk,
            },
            "published_round": {"pk": past.pk, "round_id": past.pk, "fmt": "pdf"},
            "own_report": {"round_id": past.pk, "subject_id": own.pk, "fmt": "pdf"},
            "ward_results": {"round_id": past.pk, "unit_id": wards[0].pk},
            "box_missing_item": {
                "box_id": box.pk,
                "entry_id": MISSING,
                "batch_id": MISSING,
                "reading_id": MISSING,
                "crop_id": MISSING,
                "page": 1,
            },
            **followthrough,
        }

    def client(self, persona: str, channel: str) -> Client:
        if channel == "token":
            return Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens[persona]}")
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    """Build the world once for the module, inside a transaction rolled back at the end.

    Stored files (evidence, signed minutes) go to a temporary folder, not the worktree.
    """
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"))
    with media, django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield World()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _request(client: Client, route: Route, row: Row, url: str) -> Any:
    if row.method == "GET":
        return client.get(url)
    if route.api:
        return client.post(url, json.dumps(row.data), content_type="application/json")
    # A callable value is made afresh for each request (an uploaded file is read once).
    return client.post(url, {k: v() if callable(v) else v for k, v in row.data.items()})


def _outcome(response: Any) -> Any:
    if response.status_code == 302 and "/accounts/login/" in response.get("Location", ""):
        return LOGIN
    return response.status_code


def _refusal(outcome: Any, row: Row) -> bool:
    if outcome in (LOGIN, 401, 403, 405):
        return True
    return outcome == 404 and not row.absent_ok


def test_every_route_and_method_has_a_row() -> None:
    missing = [
        f"{route.name} {method}"
        for route in ROUTES
        for method in route.methods
        if (route.name, method) not in TABLE
    ]
    assert not missing, "routes without a row in any app's tests/access_matrix.py: " + ", ".join(
        missing
    )


def test_every_row_names_a_route_that_exists() -> None:
    known = {(route.name, method) for route in ROUTES for method in route.methods}
    stale = sorted(f"{name} {method}" for name, method in TABLE if (name, method) not in known)
    assert not stale, "matrix rows for routes that no longer exist: " + ", ".join(stale)


def test_the_personas_cover_every_role() -> None:
    from phieukin.accounts.models import Role

    roles = {"district_organiser", "ward_organiser", "counter", "leader", "standing_committee"}
    assert roles | {"supervisor"} == set(Role.values)
    assert {"outsider", "superuser"} <= set(PERSONAS)


@pytest.mark.parametrize(
    ("route", "method"),
    [(route, method) for route in ROUTES for method in route.methods],
    ids=lambda value: value.name if isinstance(value, Route) else value,
)
def test_the_route_answers_each_persona_as_the_matrix_says(
    world: World, django_db_blocker: Any, route: Route, method: str
) -> None:
    row = TABLE.get((route.name, method))
    if row is None:
        # test_every_route_and_method_has_a_row fails for it, naming every such route.
        pytest.skip(f"no matrix row for {route.name} {method}")
    url = route.url(world.targets[row.target])
    wrong: list[str] = []
    with django_db_blocker.unblock():
        for persona, channel, expected in iter_expectations(row, route):
            cache.clear()  # failed codes of one request must not rate-limit the next
            with transaction.atomic():
                outcome = _outcome(_request(world.client(persona, channel), route, row, url))
                transaction.set_rollback(True)
            if expected == "allowed":
                if _refusal(outcome, row):
                    wrong.append(f"{persona}/{channel}: refused ({outcome}), row allows")
            elif outcome != expected:
                wrong.append(f"{persona}/{channel}: {outcome}, row expects {expected}")
    assert not wrong, f"{method} {url} ({route.name}): " + "; ".join(wrong)
