"""Two app servers on one PostgreSQL and one Redis act as one.

Starts two gunicorn instances on loopback (the production configuration in
``deploy/gunicorn.conf.py``), votes through both at once, checks that the failures of a
guesser count in the shared cache whichever server answered, kills one server with
SIGKILL in the middle of voting, and then seals the box: every ballot a server
acknowledged (201 with receipts) is in the sealed box.

Needs PostgreSQL and ``PHIEUKIN_TEST_REDIS_URL`` (CI starts both on loopback).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory

from phieukin.ballots import codes as codes_module
from phieukin.ballots import ratelimit
from phieukin.ballots import services as ballots
from phieukin.ballots.models import PendingReceipt
from phieukin.ballots.selectors import bulletin
from phieukin.ballots.services import shapes_for
from phieukin.rounds.models import BallotBox, Subject
from phieukin.rounds.services import record_attendance
from phieukin.testing.children import database_url
from phieukin.testing.children import redis_url as redis_url_of

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(base: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _start(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
         "phieukin.config.wsgi"],
        cwd=ROOT,
        env={**env, "PHIEUKIN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip


def _wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode() if server.stderr else "exited")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    raise AssertionError(f"{base} did not become healthy")


def test_two_app_servers_share_limits_and_lose_no_acknowledged_ballot(
    box: BallotBox, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the many-server topology runs on PostgreSQL")
    redis_url = redis_url_of("PHIEUKIN_TEST_REDIS_URL", example="redis://127.0.0.1:6379/14")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings.CACHES = {
        alias: {"BACKEND": "phieukin.core.redis_cache.RedisCache", "LOCATION": redis_url}
        for alias in ("default", "shared")
    }
    opening = ballots.open_box(actor=None, box=box)
    codes = ballots.generate_codes(actor=None, box=box, count=60)
    subjects = list(Subject.objects.filter(conference=box.conference).order_by("pk"))
    shapes = shapes_for(box)

    def sheets(n: int) -> list[dict[str, Any]]:
        return [
            {
                "subject": str(s.pk),
                "answers": {i.key: i.option_keys[n % len(i.option_keys)] for i in shapes},
                "comment": "",
            }
            for s in subjects
        ]

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "multi-server-test-" + "k" * 40,
        "PHIEUKIN_CODE_KEY": str(settings.CODE_HASH_KEY),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "PHIEUKIN_CACHE": "redis",
        "DJANGO_SETTINGS_MODULE": "phieukin.config.settings",
        "PHIEUKIN_WORKERS": "2",
        "PHIEUKIN_ACCESS_LOG": "",
        "PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT": "1000",
        "PHIEUKIN_RATE_MAX_DELAY_SECONDS": "0.2",
    }
    ports = [_free_port(), _free_port()]
    servers = [_start(port, env) for port in ports]
    bases = [f"http://127.0.0.1:{port}/api/v1" for port in ports]
    try:
        for base, server in zip(bases, servers, strict=True):
            _wait_healthy(base.removesuffix("/api/v1"), server)

        # A guesser's failures count in the shared cache whichever server answers.
        for n in range(6):
            wrong = {"code": codes_module.generate(), "sheets": sheets(n)}
            status, body = _post(bases[n % 2], "/ballots", wrong)
            assert status == 404 and body["code"] == "code_unknown", body
        guesser = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")
        assert caches["shared"].get(ratelimit.client_key(guesser)) == 6

        # Vote through both servers at once; kill the first one half way.
        acknowledged: list[str] = []
        stored_unacknowledged = 0

        fallbacks: list[int] = []

        def vote(n: int) -> tuple[int, list[str]]:
            base = bases[n % 2]
            try:
                status, body = _post(base, "/ballots", {"code": codes[n], "sheets": sheets(n)})
            except (OSError, urllib.error.URLError):
                # The server died under this request: the voter tries the other one.
                fallbacks.append(n)
                status, body = _post(bases[1], "/ballots", {"code": codes[n], "sheets": sheets(n)})
            return status, body.get("receipts", [])

        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(vote, n) for n in range(50)]
            for done, future in enumerate(as_completed(futures), start=1):
                if done == 12:
                    os.killpg(servers[0].pid, signal.SIGKILL)  # a third of the way through
                status, receipts = future.result()
                if status == 201:
                    acknowledged.extend(receipts)
                elif status == 409:
                    stored_unacknowledged += 1  # committed, but the answer died with the server
                else:
                    raise AssertionError(f"unexpected status {status}")
        assert servers[0].wait(timeout=10) == -signal.SIGKILL
        assert fallbacks, "no request reached the killed server after the kill"
        assert len(acknowledged) >= len(subjects) * 25
        assert PendingReceipt.objects.filter(box=box).count() >= len(acknowledged)
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            if server.stderr is not None:
                server.stderr.close()

    record_attendance(actor=None, conference=box.conference, invited=60, present=50)
    ballots.record_paper_counts(actor=None, box=box, issued=0, returned=0)
    ballots.close_box(actor=None, box=box)
    ballots.seal_box(actor=None, box=box, shares=opening.member_shares, acknowledge_mismatch=True)
    box.refresh_from_db()
    published = set(bulletin(box)["receipts"])
    assert set(acknowledged) <= published
    assert len(published) == len(acknowledged) + stored_unacknowledged * len(subjects)
