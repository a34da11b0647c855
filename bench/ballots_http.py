"""Ballots per second through the whole HTTP stack, against a one-row insert baseline.

``python -m bench ballots_http``. For SQLite (and PostgreSQL when ``DATABASE_URL`` is
set) the script makes a fresh database, opens a box with codes, starts gunicorn (2 gthread
workers, ``deploy/gunicorn.conf.py``) on loopback, and drives it from a thread
pool of ``http.client`` connections: first ``POST /api/v1/ballots`` (a full two-leader
ballot per code), then ``POST /bench/insert/`` of the bench-only URLconf (parse JSON,
insert one row, commit). It prints throughput, p50/p99 latency and the ratio
ballots/s ÷ baseline/s (goal ≥ 0.5; ≥ 0.7 with p99 ≤ 100 ms at 64 clients on
PostgreSQL); every ballot is encrypted to the box's key, as in production. Before the
load, both routes are called in-process (no server, one at a time) to print where a
request's time goes: SQL statements and database round trips per request, Python CPU
per request and, with ``BENCH_HTTP_PROFILE=1``, a cProfile of each route. Sealing is
measured by ``bench/seal.py``. Bounded in requests and in time; asserts nothing.

Environment: ``BENCH_CLIENTS`` (default 16), ``BENCH_REQUESTS`` (default 1500),
``BENCH_SECONDS`` (default 20), ``BENCH_HTTP_PROFILE`` (0), ``BENCH_HTTP_DATABASES``
(``sqlite,postgresql``: which of the two to measure).

The closed loop above measures capacity: each client sends its next request as soon as
the last one is answered, so with 64 clients the latency is 64 ÷ throughput whatever the
server does (Little's law). Then a paced run measures latency at a given load, as voters
arrive: ``BENCH_PACED_REQUESTS`` (default 600, 0 to skip) requests per route, scheduled
at a fixed rate over the same ``BENCH_CLIENTS`` connections (``BENCH_PACED_RATE`` per
second, by default half the slower route's closed-loop rate in this run, the same for
both routes), each latency counted from the request's scheduled start, so that a request
that waits for a free connection counts its wait (no coordinated omission).

On a shared machine the load of others weighs on whichever route runs at the time, so the
closed loop runs in ``BENCH_HTTP_SLICES`` (default 4) alternating slices per route and adds
them up. It also prints the CPU time per request of the app server (gunicorn's processes),
of the database (every process named ``postgres`` on the machine) and of the load generator
itself, read from ``/proc`` (Linux) around each slice: CPU per request does not depend on
what else runs, so its ratio explains the throughput ratio even on a noisy machine.
"""

from __future__ import annotations

import http.client
import json
import os
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
from typing import Any

from bench._setup import ROOT, base_env, postgres_url, scratch_postgres

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1500"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
PACED = int(os.environ.get("BENCH_PACED_REQUESTS", "600"))
SLICES = max(1, int(os.environ.get("BENCH_HTTP_SLICES", "4")))
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
# Requests per route of the in-process measurement (statements and CPU per request).
IN_PROCESS = 200
# Unmeasured requests per route once the server is up, so that neither route pays for
# the workers' first imports, connections and caches (the ballots ran first, cold).
WARM_UP = 64


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

    def __add__(self, other: Result) -> Result:
        return Result(
            self.done + other.done,
            self.failed + other.failed,
            self.seconds + other.seconds,
            self.latencies + other.latencies,
        )


# --- CPU time from /proc ---------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stats() -> list[tuple[int, int, str, float]]:
    """Return (pid, parent pid, command, CPU seconds) of every process, children reaped
    by it included (a process that ended during a slice is counted by its parent)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        command = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        # After the command: state, ppid, …; utime, stime, cutime, cstime are 12th–15th.
        seconds = sum(int(value) for value in fields[11:15]) / _TICK
        found.append((int(entry), int(fields[1]), command, seconds))
    return found


@dataclass
class Cpu:
    """CPU seconds of the app server, the database and the load generator."""

    app: float = 0.0
    database: float = 0.0
    driver: float = 0.0

    def __add__(self, other: Cpu) -> Cpu:
        return Cpu(self.app + other.app, self.database + other.database, self.driver + other.driver)

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.app - other.app, self.database - other.database, self.driver - other.driver)


def _cpu_now(server_pid: int) -> Cpu:
    stats = _proc_stats()
    app = sum(sec for pid, ppid, _c, sec in stats if server_pid in (pid, ppid))
    database = sum(sec for _p, _pp, command, sec in stats if command == "postgres")
    own = os.times()
    return Cpu(app, database, own.user + own.system)


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


# --- In-process: where one request's time goes (child process, bench settings) --------


def in_process(data_file: str) -> None:
    """Call both routes through the WSGI handler and print statements and CPU per request."""
    import cProfile
    import io
    import pstats

    import django

    django.setup()
    from django.db import connection

    from phieukin.config.wsgi import application

    data = json.loads(Path(data_file).read_text())
    codes = data["codes"][-IN_PROCESS:]

    def call(path: str, body: bytes) -> str:
        status: list[str] = []
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
        }

        def start_response(line: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(line)

        response = application(environ, start_response)
        b"".join(response)
        response.close()
        return status[0]

    def measure(label: str, path: str, bodies: list[bytes]) -> None:
        statements: list[str] = []
        commits = [0]
        plain_commit = connection.commit

        pipelined = [False]

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            # Statements sent in one pipeline (the ballot's transaction on PostgreSQL)
            # share one round trip: count the pipeline's first statement only.
            raw = getattr(context["connection"], "connection", None)
            status = getattr(getattr(raw, "pgconn", None), "pipeline_status", 0)
            in_pipeline = bool(status)
            if not (in_pipeline and pipelined[0]):
                statements.append(sql)
            pipelined[0] = in_pipeline
            return execute(sql, params, many, context)

        def counted_commit() -> None:
            commits[0] += 1
            plain_commit()

        warm = 10
        for body in bodies[:warm]:
            call(path, body)
        # CPU time, not wall time: the waits for the database would hide where Python works.
        profiler = (
            cProfile.Profile(time.process_time)
            if os.environ.get("BENCH_HTTP_PROFILE") == "1"
            else None
        )
        cpu, wall = time.process_time(), time.perf_counter()
        with connection.execute_wrapper(count):
            if profiler:
                profiler.enable()
            connection.commit = counted_commit  # type: ignore[method-assign]
            statuses = []
            for body in bodies[warm:]:
                # A request's first pipeline is a round trip of its own, even right
                # after the previous request's pipeline.
                pipelined[0] = False
                statuses.append(call(path, body))
            connection.commit = plain_commit  # type: ignore[method-assign]
            if profiler:
                profiler.disable()
        n = len(bodies) - warm
        cpu, wall = (time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000
        # On PostgreSQL, psycopg sends the BEGIN and the COMMIT of a Django transaction as
        # round trips of their own; the statements of one pipeline share one.
        where = (
            f"{(len(statements) + 2 * commits[0]) / n:.1f} database round trips"
            if connection.vendor == "postgresql"
            else f"{len(statements) / n:.1f} statements, {commits[0] / n:.1f} commits"
        )
        print(
            f"  in-process {label}: {where} per request, Python CPU {cpu:.2f} ms, "
            f"wall {wall:.2f} ms (one client at a time; {statuses[0]})",
            flush=True,
        )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(60)

    measure(
        "ballot  ",
        "/api/v1/ballots",
        [json.dumps({"code": c, "sheets": data["sheets"]}).encode() for c in codes],
    )
    measure("baseline", "/bench/insert/", [json.dumps({"v": "x"}).encode()] * IN_PROCESS)


# --- Load ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(port: int, deadline: float) -> None:
    # /healthz (one SELECT, one cache write) rather than the OpenAPI document: on a loaded
    # machine, building that document took longer than the probe's timeout, and every
    # abandoned probe left a worker thread building it again.
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


def _drive(
    port: int, path: str, bodies: list[bytes], expect: int, rate: float | None = None
) -> Result:
    """POST *bodies* over ``CLIENTS`` connections and time each answer.

    Closed loop (*rate* None): each connection sends its next request as soon as the last
    one is answered, for at most ``SECONDS``; a latency runs from sending. Open loop: request
    *i* is due at ``start + i / rate``; a free connection takes the next due request, waits
    for its time and sends it, and its latency runs from when it was due, so a request that
    waited for a connection counts the wait.
    """
    next_index = [0]
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    start = time.perf_counter() + (0.2 if rate else 0.0)
    stop_at = time.monotonic() + SECONDS

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        while rate or time.monotonic() < stop_at:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= len(bodies):
                break
            if rate:
                due = start + index / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            else:
                due = time.perf_counter()
            try:
                conn.request("POST", path, bodies[index], {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                ok = response.status == expect
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            if ok:
                mine.append(time.perf_counter() - due)
            else:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(len(latencies), failures[0], time.perf_counter() - start, latencies)


def _run(label: str, env: dict[str, str], workdir: Path) -> None:
    data_file = workdir / "setup.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.ballots_http",
            "setup",
            str(data_file),
            str(REQUESTS + IN_PROCESS + WARM_UP + PACED),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    print(f"{label}: load average {os.getloadavg()[0]:.1f} (2 cores)", flush=True)
    subprocess.run(
        [sys.executable, "-m", "bench.ballots_http", "in_process", str(data_file)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    data = json.loads(data_file.read_text())
    data["codes"] = data["codes"][:-IN_PROCESS]
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
        _wait_ready(port, time.monotonic() + 300)
        ballots = [
            json.dumps({"code": code, "sheets": data["sheets"]}).encode() for code in data["codes"]
        ]
        inserts = [
            json.dumps({"v": secrets.token_hex(8)}).encode()
            for _ in range(REQUESTS + WARM_UP + PACED)
        ]
        _drive(port, "/api/v1/ballots", ballots[:WARM_UP], 201)
        _drive(port, "/bench/insert/", inserts[:WARM_UP], 201)
        # Alternating slices, so that the machine's load weighs on both routes alike.
        full, base = Result(0, 0, 0.0, []), Result(0, 0, 0.0, [])
        full_cpu, base_cpu = Cpu(), Cpu()
        step = REQUESTS // SLICES
        for index in range(SLICES):
            closed = slice(WARM_UP + index * step, WARM_UP + (index + 1) * step)
            before = _cpu_now(server.pid)
            full += _drive(port, "/api/v1/ballots", ballots[closed], 201)
            middle = _cpu_now(server.pid)
            base += _drive(port, "/bench/insert/", inserts[closed], 201)
            full_cpu += middle - before
            base_cpu += _cpu_now(server.pid) - middle
        rate = float(os.environ.get("BENCH_PACED_RATE") or 0) or 0.5 * min(full.rate, base.rate)
        paced = (
            (
                _drive(port, "/api/v1/ballots", ballots[-PACED:], 201, rate),
                _drive(port, "/bench/insert/", inserts[-PACED:], 201, rate),
            )
            if PACED and rate > 0
            else None
        )
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
        f"{label}: {CLIENTS} clients, gunicorn {env.get('PHIEUKIN_WORKERS', '2')} gthread "
        f"workers x {env.get('PHIEUKIN_THREADS', '8')} threads (deploy/gunicorn.conf.py), "
        f"load average {os.getloadavg()[0]:.1f}\n"
        f"  ballots (POST /api/v1/ballots, {sheets} sheets each): {full.rate:8.1f}/s "
        f"p50 {full.percentile(50):6.1f} ms  p99 {full.percentile(99):6.1f} ms  "
        f"ok {full.done} failed {full.failed}\n"
        f"  baseline (one-row insert view):                 {base.rate:8.1f}/s "
        f"p50 {base.percentile(50):6.1f} ms  p99 {base.percentile(99):6.1f} ms  "
        f"ok {base.done} failed {base.failed}\n"
        f"  ratio ballots/baseline: {full.rate / base.rate if base.rate else float('nan'):.2f} "
        f"(goal >= 0.5; >= 0.7 on PostgreSQL at 64 clients), {SLICES} alternating slices",
        flush=True,
    )
    database = "database" if "DATABASE_URL" in env else "database (SQLite: in the app)"
    for name, done, cpu in (("ballots ", full.done, full_cpu), ("baseline", base.done, base_cpu)):
        if done:
            print(
                f"  CPU per request, {name}: app {cpu.app / done * 1000:5.2f} ms, "
                f"{database} {cpu.database / done * 1000:5.2f} ms, "
                f"load generator {cpu.driver / done * 1000:5.2f} ms",
                flush=True,
            )
    if full.done and base.done:
        whole = (full_cpu.app + full_cpu.database + full_cpu.driver) / full.done
        whole_base = (base_cpu.app + base_cpu.database + base_cpu.driver) / base.done
        served = (full_cpu.app + full_cpu.database) / full.done
        served_base = (base_cpu.app + base_cpu.database) / base.done
        print(
            f"  CPU ratio baseline/ballots (all three): {whole_base / whole:.2f}; "
            f"server only: {served_base / served:.2f}",
            flush=True,
        )
    if paced is not None:
        ballots_paced, base_paced = paced
        print(
            f"  paced: {rate:.1f} requests/s over {CLIENTS} connections, {PACED} per route, "
            "latency from each request's scheduled start\n"
            f"  ballots:  p50 {ballots_paced.percentile(50):6.1f} ms  "
            f"p99 {ballots_paced.percentile(99):6.1f} ms  ok {ballots_paced.done} "
            f"failed {ballots_paced.failed} in {ballots_paced.seconds:.1f} s\n"
            f"  baseline: p50 {base_paced.percentile(50):6.1f} ms  "
            f"p99 {base_paced.percentile(99):6.1f} ms  ok {base_paced.done} "
            f"failed {base_paced.failed} in {base_paced.seconds:.1f} s  (goal p99 <= 100 ms)",
            flush=True,
        )


def main() -> None:
    """Run the SQLite measurement, then PostgreSQL when DATABASE_URL is set."""
    workdir = Path(tempfile.mkdtemp(prefix="phieukin-bench-http-"))
    databases = os.environ.get("BENCH_HTTP_DATABASES", "sqlite,postgresql").split(",")
    try:
        if "sqlite" in databases:
            _run("SQLite (WAL, synchronous=FULL)", _base_env(workdir / "sqlite"), workdir)
        url = postgres_url()
        if "postgresql" not in databases:
            pass
        elif url is not None:
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
    elif len(sys.argv) >= 3 and sys.argv[1] == "in_process":
        in_process(sys.argv[2])
    else:
        main()
