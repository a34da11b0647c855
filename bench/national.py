"""National scale: report pages, a leader's PDF and a province's report set on the queue.

``python -m bench national``. Builds (or reuses) a fictional country with
``manage.py generate_country`` in a scratch PostgreSQL database next to ``DATABASE_URL``
(``<name>_country``; SQLite in a temporary folder without it), then prints, each beside a
baseline measured in the same run:

* report pages served from the snapshots stored at publication: a province's round
  summary and leaders' report pages (a leader's first view, which draws its charts and
  builds its page, and the same pages seen again), leaders' PDF downloads through the
  view, p50/p95 over ``BENCH_PAGES`` requests each, against ``/healthz`` (goal: p95 ≤
  200 ms); then every chart and page forgotten, publication's warm-up run
  (``reports/warming.py``, what the queued job runs, here in one process) and the same
  first views timed again;
* one leader's PDF (content from the snapshot, two charts, the PDF), medians, as served
  (the file kept per snapshot in the pages cache), built again (charts from the shared
  chart cache), from a fresh ``RoundReports`` and with the charts drawn, against a
  one-page PDF with one table (goal ≤ 150 ms and ≤ 20× the baseline);
* a province's report set (PDF) on Celery workers with 1 and 2 worker processes, in
  alternating runs (``BENCH_SET_RUNS`` of each, fresh workers and an empty chart cache
  every run; the best of each compared), when ``BENCH_BROKER_URL`` (or
  ``CELERY_BROKER_URL``) names a Redis (goal ≥ 1.8×).

Intake at 64 connections is ``BENCH_CLIENTS=64 python -m bench ballots_http``.

Size: ``BENCH_COUNTRY_PROVINCES`` (34), ``BENCH_COUNTRY_COMMUNES`` (3,321),
``BENCH_COUNTRY_ROUNDS`` (10), ``BENCH_COUNTRY_RESPONDENTS`` (100); a database built
before with the same name is reused unless ``BENCH_COUNTRY_REBUILD=1``. The load average
is printed with the figures. Nothing here asserts a time.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PAGES = int(os.environ.get("BENCH_PAGES", "40"))


def _size_args() -> list[str]:
    args = []
    for name, flag in (
        ("PROVINCES", "--provinces"),
        ("COMMUNES", "--communes"),
        ("ROUNDS", "--rounds"),
        ("RESPONDENTS", "--respondents"),
    ):
        value = os.environ.get(f"BENCH_COUNTRY_{name}")
        if value:
            args += [flag, value]
    return args


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def _timed_gets(client: Any, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        times.append(elapsed)
    return times


def _line(label: str, times: list[float], base: list[float]) -> str:
    p50, p95 = statistics.median(times), _percentile(times, 95)
    return (
        f"  {label:<44} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
        f"(ratio to baseline p50 {p50 / statistics.median(base):5.1f}×; goal p95 ≤ 200 ms)"
    )


def child() -> None:
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from phieukin.accounts.models import Membership, Role, User
    from phieukin.console.country import country_exists, country_provinces
    from phieukin.reports import pages as page_cache
    from phieukin.reports import warming
    from phieukin.reports.services import RoundReports
    from phieukin.reports.summary_page import WARDS_PER_PAGE
    from phieukin.rounds.models import Round, Subject
    from phieukin.testing.fixtures import _force_login_with_second_factor
    from phieukin.units.models import Unit

    call_command("migrate", verbosity=0)
    if not country_exists():
        started = time.perf_counter()
        call_command("generate_country", *_size_args(), "--confirm")
        print(f"country generated in {time.perf_counter() - started:.0f} s", flush=True)
    provinces = country_provinces()
    rounds = Round.objects.filter(organiser_unit__in=provinces)
    from phieukin.ballots.models import Ballot

    print(
        f"country: {provinces.count()} provinces, "
        f"{Unit.objects.filter(parent__in=provinces).count()} communes, "
        f"{rounds.count()} rounds, {Subject.objects.filter(conference__round__in=rounds).count()} "
        f"reports, {Ballot.objects.filter(box__conference__round__in=rounds).count()} ballots",
        flush=True,
    )
    # The largest province's latest round: the heaviest summary page.
    sizes = {p.pk: p.children.count() for p in provinces}
    biggest = max(provinces, key=lambda p: sizes[p.pk])
    rnd = rounds.filter(organiser_unit=biggest).order_by("-year", "-number").first()
    assert rnd is not None
    subjects = list(Subject.objects.filter(conference__round=rnd).order_by("pk"))
    user, _created = User.objects.get_or_create(
        username="bench-national", defaults={"full_name": "Thường trực (bench)"}
    )
    # The Standing Committee of the province reads its summary and every leader's report.
    Membership.objects.get_or_create(user=user, unit=biggest, role=Role.STANDING_COMMITTEE)
    client = Client()
    _force_login_with_second_factor(client, user)
    rng = random.Random(1)
    picked = [rng.choice(subjects) for _ in range(PAGES)]
    summary_url = reverse("reports:round", args=[rnd.pk])
    leader_urls = [reverse("reports:leader", args=[rnd.pk, s.pk]) for s in picked]
    communes = list(rnd.conferences.values_list("unit_id", flat=True))
    pages = -(-len(communes) // WARDS_PER_PAGE)
    page_urls = [f"{summary_url}?page={rng.randrange(1, pages + 1)}" for _ in range(PAGES)]
    unit_urls = [f"{summary_url}?unit={rng.choice(communes)}" for _ in range(PAGES)]
    # The first view of a page draws its charts (kept in the cache under the SHA-256 of
    # their figures); time it apart, then warm the templates, fonts and the other pages.
    _timed_gets(client, ["/healthz"])
    cold = _timed_gets(client, [summary_url])[0]
    _timed_gets(client, [leader_urls[0], *sorted(set(page_urls)), *sorted(set(unit_urls))])
    print(
        f"\nreport pages of {rnd.title} of {biggest.full_name} ({sizes[biggest.pk]} communes, "
        f"{len(subjects)} leaders; summary {WARDS_PER_PAGE} communes a page, {pages} pages), "
        f"read from the stored snapshots, in-process client, {_load()}",
        flush=True,
    )
    base = _timed_gets(client, ["/healthz"] * PAGES)
    print(
        f"  baseline GET /healthz                         p50 {statistics.median(base):7.1f} ms"
        f"  p95 {_percentile(base, 95):7.1f} ms",
        flush=True,
    )
    print(f"  province summary, first view (charts drawn)  {cold:7.1f} ms", flush=True)
    print(_line("province summary, page 1", _timed_gets(client, [summary_url] * PAGES), base))
    print(_line("province summary, a random page", _timed_gets(client, page_urls), base))
    print(_line("province summary, one commune", _timed_gets(client, unit_urls), base))
    # Most of the drawn leaders are opened here for the first time (their charts drawn,
    # their page built); the same pages opened again read what the first view kept.
    print(_line("leader's report page, first view", _timed_gets(client, leader_urls), base))
    print(_line("leader's report page, seen before", _timed_gets(client, leader_urls), base))
    pdf_urls = [reverse("reports:leader_download", args=[rnd.pk, s.pk, "pdf"]) for s in picked]
    print(_line("leader's PDF download, first", _timed_gets(client, pdf_urls), base))
    print(_line("leader's PDF download, again", _timed_gets(client, pdf_urls), base))
    print(f"  ({_load()})", flush=True)
    # Publication's warm-up: every chart and page forgotten, as right after a round is
    # published, then built by what the queued job runs (here in this process), then the
    # same leaders' pages opened for the first time.
    caches["charts"].clear()
    caches[page_cache.PAGE_CACHE].clear()
    started = time.perf_counter()
    built = warming.warm_round(rnd)
    warm_s = time.perf_counter() - started
    print(
        f"  warm-up after publication (reports.warming, in this process): {built} pages and "
        f"PDFs in {warm_s:.1f} s ({1000 * warm_s / built:.0f} ms each)",
        flush=True,
    )
    after = _timed_gets(client, [summary_url])[0]
    print(f"  province summary, first view after warm-up   {after:7.1f} ms", flush=True)
    print(
        _line("leader's report page, first after warm-up", _timed_gets(client, leader_urls), base)
    )
    print(_line("leader's PDF download, first after warm-up", _timed_gets(client, pdf_urls), base))
    print(f"  ({_load()})", flush=True)

    from bench.reports import baseline_pdf, leader_pdf_lines, median_of

    baseline_pdf()
    base_wall, base_cpu = median_of(7, baseline_pdf)
    reports = RoundReports(rnd)
    print(
        f"\none leader's PDF (content from the snapshot, 2 charts, the PDF), {_load()}\n"
        f"  baseline one-page PDF with one table:          median {base_wall:7.1f} ms "
        f"(CPU {base_cpu:6.1f} ms)",
        flush=True,
    )
    for line in leader_pdf_lines(reports, subjects[0], base_wall, base_cpu):
        print(f"  {line}", flush=True)
    _report_set(biggest_for_set(provinces, sizes), rounds)


def biggest_for_set(provinces: Any, sizes: dict[int, int]) -> Any:
    """Return the province whose set is timed: ``BENCH_SET_COMMUNES`` communes or fewer."""
    limit = int(os.environ.get("BENCH_SET_COMMUNES", "60"))
    fitting = [p for p in provinces if sizes[p.pk] <= limit] or list(provinces)
    return max(fitting, key=lambda p: sizes[p.pk])


def _report_set(province: Any, rounds: Any) -> None:
    from django.conf import settings
    from django.core.cache import caches

    from phieukin.jobs.models import Job, JobState
    from phieukin.jobs.services import enqueue
    from phieukin.reports import jobs

    broker = os.environ.get("BENCH_BROKER_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not broker:
        print("\nreport set on the queue: skipped (set BENCH_BROKER_URL=redis://…)")
        return
    from phieukin.config import celery_app

    settings.CELERY_BROKER_URL = broker
    settings.PHIEUKIN_JOBS_INLINE = False
    celery_app.conf.broker_url = broker
    import redis

    redis.Redis.from_url(broker).flushdb()
    rnd = rounds.filter(organiser_unit=province).order_by("-year", "-number").first()
    leaders = rnd.conferences.count() * 2
    print(
        f"\nreport set (PDF) of {rnd.title} of {province.full_name}: {leaders} leaders' reports "
        "+ summary, one part per commune, Celery prefork workers",
        flush=True,
    )
    # Runs alternate (1 worker, 2 workers, 1, 2, …) with a fresh worker each, so that a
    # change in the machine's load weighs on both alike; the best of each is compared.
    timings: dict[int, list[float]] = {1: [], 2: []}
    for _run in range(int(os.environ.get("BENCH_SET_RUNS", "2"))):
        for concurrency in (1, 2):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            worker = _start_worker(concurrency, broker)
            try:
                caches["charts"].clear()  # a cold set, as at publication: every chart drawn
                started = time.perf_counter()
                job = enqueue(
                    actor=None, kind=jobs.SET, params={"round": rnd.pk, "formats": ["pdf"]}
                )
                deadline = time.monotonic() + 1800
                while time.monotonic() < deadline:
                    job.refresh_from_db()
                    if job.state in (JobState.DONE, JobState.FAILED):
                        break
                    time.sleep(0.2)
                if job.state != JobState.DONE:
                    raise RuntimeError(f"report set {job.state}: {job.error}")
                elapsed = time.perf_counter() - started
                parts = job.parts.count()
                Job.objects.filter(pk=job.pk).delete()
            finally:
                worker.terminate()
                worker.wait(timeout=60)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            timings[concurrency].append(elapsed)
            print(
                f"  {concurrency} worker(s): {elapsed:6.1f} s wall, {parts} parts, workers' CPU "
                f"{cpu:6.1f} s with start-up  ({_load()})",
                flush=True,
            )
    one, two = min(timings[1]), min(timings[2])
    print(
        f"  best: 1 worker {one:.1f} s, 2 workers {two:.1f} s; speed-up 2 workers ÷ 1: "
        f"{one / two:.2f}× (goal ≥ 1.8×)",
        flush=True,
    )


def _start_worker(concurrency: int, broker: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CELERY_BROKER_URL": broker}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "phieukin.config", "worker",
         f"--concurrency={concurrency}", "--pool=prefork", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    ready = threading.Event()

    def drain() -> None:
        assert worker.stdout is not None
        for line in worker.stdout:
            if b"ready." in line:
                ready.set()

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(timeout=120):
        worker.kill()
        raise RuntimeError("the Celery worker did not start")
    return worker


def main() -> None:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "phieukin.config.settings"
    env.setdefault("DEBUG", "1")
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="phieukin-bench-national-") as folder:
        env["PHIEUKIN_VAR_DIR"] = folder
        if url.startswith(("postgres://", "postgresql://")):
            import psycopg

            parsed = urlparse(url)
            name = os.environ.get("BENCH_COUNTRY_DB") or f"{parsed.path.lstrip('/')}_country"
            admin = parsed._replace(path="/postgres").geturl()
            with psycopg.connect(admin, autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if exists and os.environ.get("BENCH_COUNTRY_REBUILD") == "1":
                    conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                    exists = None
                if not exists:
                    conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = parsed._replace(path=f"/{name}").geturl()
            print(f"PostgreSQL database {name}", flush=True)
        else:
            env.pop("DATABASE_URL", None)
            env.setdefault("BENCH_COUNTRY_COMMUNES", "300")
            env.setdefault("BENCH_COUNTRY_ROUNDS", "2")
            print("SQLite in a temporary folder (set DATABASE_URL for PostgreSQL)", flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "bench.national", "--child"], cwd=ROOT, env=env, check=False
        )
        if done.returncode:
            raise RuntimeError(f"national benchmark failed ({done.returncode})")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        main()
