"""Guessers cannot lock voters out: a flood of wrong codes slows the guessers, never a valid code.

The issue's attack: hundreds of wrong codes from many addresses, then a voter with a
valid, unused code — who used to get 429 for ten minutes. Failures are counted per client
and per box in the shared cache (the database table by default); past the allowance
each failed entry waits before its answer (recorded here instead of slept); a valid code
is looked up and accepted at once.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from phieukin.ballots import codes as codes_mod
from phieukin.ballots import ratelimit, services
from phieukin.rounds.models import BallotBox
from tests.adversarial.conftest import full_sheets

pytestmark = pytest.mark.django_db

ADDRESSES = 40
PER_ADDRESS = 8


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[float]:
    settings.PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT = 5
    settings.PHIEUKIN_CODE_ATTEMPTS_PER_BOX = 100
    settings.PHIEUKIN_GUESSING_WARNING = 50
    recorded: list[float] = []
    monkeypatch.setattr(ratelimit, "sleep", recorded.append)
    caches["shared"].clear()
    return recorded


def _flood(client: Client, box: BallotBox) -> None:
    for address in range(ADDRESSES):
        for attempt in range(PER_ADDRESS):
            wrong = codes_mod.display(codes_mod.generate()) if attempt % 2 else "ABCD-EFGH-XYZ"
            response = client.post(
                f"/v/{box.pk}/",
                {"step": "code", "code": wrong},
                REMOTE_ADDR=f"10.0.{address}.7",
            )
            assert response.status_code in (400, 404)


def test_a_flood_from_many_addresses_leaves_a_valid_code_usable_on_the_web(
    client: Client, box: BallotBox, waits: list[float], counter: Any
) -> None:
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]
    _flood(client, box)
    assert ratelimit.box_failures(box.pk) == ADDRESSES * PER_ADDRESS
    waits.clear()
    # The guesser's next wrong code waits before its answer, up to the cap.
    wrong = codes_mod.display(codes_mod.generate())
    page = client.post(f"/v/{box.pk}/", {"step": "code", "code": wrong}, REMOTE_ADDR="10.0.3.7")
    assert page.status_code == 404
    assert waits and 0 < max(waits) <= 8
    waits.clear()
    # A voter on the same venue Wi-Fi as one of the guessers does not wait at all.
    page = client.post(f"/v/{box.pk}/", {"step": "code", "code": code}, REMOTE_ADDR="10.0.3.7")
    assert page.status_code == 200
    data: dict[str, str] = {"step": "submit", "code": code}
    for sheet in full_sheets(box, 1):
        for item, option in sheet.answers.items():
            data[f"a-{sheet.subject_id}-{item}"] = option or ""
    done = client.post(f"/v/{box.pk}/", data, REMOTE_ADDR="10.0.3.7")
    assert done.status_code == 201
    assert waits == []
    # The committee sees that guessing is going on.
    client.force_login(counter)
    body = client.get(f"/ballots/{box.pk}/").content.decode()
    assert str(ADDRESSES * PER_ADDRESS + 1) in body and (
        "dò mã" in body or "Guessing detected" in body
    )


def test_a_flood_from_many_addresses_leaves_a_valid_code_usable_on_the_api(
    client: Client, box: BallotBox, waits: list[float]
) -> None:
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]
    for address in range(ADDRESSES):
        for _attempt in range(PER_ADDRESS):
            wrong = codes_mod.display(codes_mod.generate())
            response = client.post(
                "/api/v1/ballots",
                json.dumps({"code": wrong, "sheets": []}),
                content_type="application/json",
                REMOTE_ADDR=f"10.1.{address}.9",
            )
            assert response.status_code == 404
    assert waits and 0 < max(waits) <= 8
    sheets = [
        {"subject": str(s.subject_id), "answers": s.answers, "comment": ""}
        for s in full_sheets(box, 2)
    ]
    waits.clear()
    response = client.post(
        "/api/v1/ballots",
        json.dumps({"code": code, "sheets": sheets}),
        content_type="application/json",
        REMOTE_ADDR="10.1.0.9",
    )
    assert response.status_code == 201, response.json()
    assert waits == []


def test_the_wait_grows_with_the_failures_and_stops_at_the_cap(
    rf: Any, settings: Any, waits: list[float]
) -> None:
    request = rf.post("/v/1/", REMOTE_ADDR="192.0.2.1")
    seen = []
    for _ in range(60):
        seen.append(ratelimit.delay_for(request))
        ratelimit.record_failure(request)
    assert seen[:5] == [0.0] * 5
    assert seen == sorted(seen) and seen[-1] == settings.PHIEUKIN_RATE_MAX_DELAY_SECONDS


def test_the_proxy_header_is_used_only_when_configured(rf: Any, settings: Any) -> None:
    spoofed = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert ratelimit.client_address(spoofed) == "127.0.0.1"
    settings.PHIEUKIN_PROXY_COUNT = 1
    chained = rf.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    assert ratelimit.client_address(chained) == "203.0.113.5"


def test_the_counters_live_in_the_shared_database_cache_by_default() -> None:
    """Without configuration every worker shares the database cache (tests use one process)."""
    import os
    import subprocess
    import sys

    environment = {k: v for k, v in os.environ.items() if k not in ("PHIEUKIN_CACHE", "REDIS_URL")}
    environment.update(DJANGO_SETTINGS_MODULE="phieukin.config.settings", DEBUG="1")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.core.cache import caches; "
            "print(type(caches['shared']).__name__)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "DatabaseCache"
