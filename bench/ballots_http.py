"""Ballots per second through the whole HTTP stack, against a one-row insert baseline.

``python -m bench ballots_http``. For SQLite (and PostgreSQL when ``DATABASE_URL`` is
set) the script makes a fresh database, opens a box with codes, starts gunicorn (2 gthread
workers, ``deploy/gunicorn.conf.py``) on loopback, and drives it from a thread
pool of ``http.client`` connections: first ``POST /api/v1/ballots`` (a full two-leader
ballot per code), then ``POST /bench/insert/`` of the bench-only URLconf (parse JSON,
insert one row, commit). It prints throughput, p50/p99 latency and the ratio
ballots/s ÷ baseline/s (goal ≥ 0.5); every ballot is encrypted to the box's key, as in
production. Sealing is measured by ``bench/seal.py``. Bounded in requests and in time;
asserts nothing.

Environment: ``BENCH_CLIENTS`` (default 16), ``BENCH_REQUESTS`` (default 1500),
``BENCH_SECONDS`` (default 20).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench._setup import ROOT, base_env, postgres_url, scratch_postgres

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1500"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


@dataclass(frozen=True)
class Result:
    """What one load run measured."""

    done: int
    failed: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


# --- Setup (runs in a child process with the bench settings) ---------------------------


def setup(out: str, count: int) -> None:
    """Migrate a fresh database, open a box with *count* codes, write what the load needs."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_row (id BIGINT PRIMARY KEY, v TEXT)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE IF NOT EXISTS bench_row (id INTEGER PRIMARY KEY, v TEXT)"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE SEQUENCE IF NOT EXISTS bench_row_seq;"
                "ALTER TABLE bench_row ALTER COLUMN id SET DEFAULT nextval('bench_row_seq')"
            )
    from bench._setup import open_round
    from phieukin.ballots.services import generate_codes, open_box, shapes_for

    (prepared,) = open_round(title="Đợt bench", boxes=1)
    box = open_box(actor=None, box=prepared).box
    codes: list[str] = []
    while len(codes) < count:
        codes += generate_codes(actor=None, box=box, count=min(5000, count - len(codes)))
    shapes = shapes_for(box)
    sheets = [
        {
            "subject": s.pk,
            "answers": {shape.key: shape.option_keys[i % 4] for i, shape in enumerate(shapes)},
            "comment": "Đồng chí cần sâu sát cơ sở hơn.",
        }
        for s in box.conference.subjects.all()
    ]
    Path(out).write_text(json.dumps({"box": box.pk, "codes": codes, "sheets": sheets}))


# --- Load ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _load(port: int, path: str, bodies: list[bytes], expect: int) -> Result:
    work: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    for body in bodies:
        work.put(body)
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + SECONDS

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop_at:
            try:
                body = work.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            try:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == expect
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Result(len(latencies), failures[0], elapsed, latencies)


def _run(label: str, env: dict[str, str], workdir: Path) -> None:
    data_file = workdir / "setup.json"
    subprocess.run(
        [sys.executable, "-m", "bench.ballots_http", "setup", str(data_file), str(REQUESTS)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    data = json.loads(data_file.read_text())
    port = _free_port()
    server_log = (workdir / f"gunicorn-{port}.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(GUNICORN_CONF),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "phieukin.config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_ready(port, time.monotonic() + 120)
        ballots = [
            json.dumps({"code": code, "sheets": data["sheets"]}).encode() for code in data["codes"]
        ]
        full = _load(port, "/api/v1/ballots", ballots, 201)
        inserts = [json.dumps({"v": secrets.token_hex(8)}).encode() for _ in range(REQUESTS)]
        base = _load(port, "/bench/insert/", inserts, 201)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
        errors = [
            line
            for line in (workdir / f"gunicorn-{port}.log").read_text(errors="replace").splitlines()
            if "Error" in line or "Traceback" in line
        ]
        if errors:
            print(f"  server errors ({len(errors)}), first: {errors[0][:200]}")
    sheets = len(data["sheets"])
    print(
        f"{label}: {CLIENTS} clients, gunicorn 2 gthread workers\n"
        f"  ballots (POST /api/v1/ballots, {sheets} sheets each): {full.rate:8.1f}/s "
        f"p50 {full.percentile(50):6.1f} ms  p99 {full.percentile(99):6.1f} ms  "
        f"ok {full.done} failed {full.failed}\n"
        f"  baseline (one-row insert view):                 {base.rate:8.1f}/s "
        f"p50 {base.percentile(50):6.1f} ms  p99 {base.percentile(99):6.1f} ms  "
        f"ok {base.done} failed {base.failed}\n"
        f"  ratio ballots/baseline: {full.rate / base.rate if base.rate else float('nan'):.2f} "
        f"(goal >= 0.5)",
        flush=True,
    )


def main() -> None:
    """Run the SQLite measurement, then PostgreSQL when DATABASE_URL is set."""
    workdir = Path(tempfile.mkdtemp(prefix="phieukin-bench-http-"))
    try:
        _run("SQLite (WAL, synchronous=FULL)", _base_env(workdir / "sqlite"), workdir)
        url = postgres_url()
        if url is not None:
            _run_postgres(url, workdir)
        else:
            print("PostgreSQL: skipped (DATABASE_URL not set)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_postgres(url: str, workdir: Path) -> None:
    with scratch_postgres(url, "phieukin_bench") as scratch:
        env = _base_env(workdir / "pg")
        env["DATABASE_URL"] = scratch
        _run("PostgreSQL (synchronous_commit=on)", env, workdir)


def _base_env(workdir: Path) -> dict[str, str]:
    return base_env(workdir, settings="bench.httpstack.settings")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "setup":
        setup(sys.argv[2], int(sys.argv[3]))
    else:
        main()
