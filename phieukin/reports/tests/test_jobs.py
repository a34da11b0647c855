"""A round's report set is rendered in parts on the queue and assembled into one ZIP."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from phieukin.jobs.models import Job, JobState
from phieukin.jobs.services import enqueue
from phieukin.reports import jobs
from phieukin.rounds.models import Round, Subject
from phieukin.testing.children import database_url, redis_url

ROOT = Path(__file__).resolve().parents[3]


def _zip_names(job: Job) -> list[str]:
    with default_storage.open(job.result, "rb") as handle:
        return sorted(zipfile.ZipFile(io.BytesIO(handle.read())).namelist())


def _expected(rnd: Round) -> int:
    return (Subject.objects.filter(conference__round=rnd).count() + 1) * 3


@pytest.mark.django_db
def test_the_organiser_gets_every_report_of_the_round_in_one_zip(
    client: Any,
    district_organiser: Any,
    published_round: Round,
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.PHIEUKIN_JOBS_INLINE = True
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(district_organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:render_set", args=[published_round.pk]))
    job = Job.objects.get(parent__isnull=True)
    assert response.status_code == 302 and str(job.pk) in response["Location"]
    assert job.state == JobState.DONE
    # The summary first (the longest part), then one part per ward (three wards).
    parts = list(job.parts.order_by("created_at"))
    assert [bool(p.params.get("summary")) for p in parts] == [True, False, False, False]
    assert all(len(p.params["wards"]) == 1 for p in parts[1:])
    names = _zip_names(job)
    assert len(names) == _expected(published_round)
    assert sum(n.endswith(".docx") for n in names) == _expected(published_round) // 3


def test_a_round_of_many_wards_is_split_into_at_most_max_parts_ward_parts() -> None:
    assert jobs.wards_per_part(1) == 1
    assert jobs.wards_per_part(jobs.MAX_PARTS) == 1
    assert jobs.wards_per_part(jobs.MAX_PARTS + 1) == 2
    assert jobs.wards_per_part(170) * jobs.MAX_PARTS >= 170
    assert -(-170 // jobs.wards_per_part(170)) <= jobs.MAX_PARTS


@pytest.mark.django_db
def test_a_leader_cannot_queue_the_whole_set(
    client: Any, leader: Any, published_round: Round, settings: Any
) -> None:
    settings.PHIEUKIN_JOBS_INLINE = True
    client.force_login(leader)
    response = client.post(reverse("reports:render_set", args=[published_round.pk]))
    assert response.status_code == 404
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_report_set_runs_on_real_queue_workers_in_parallel(
    published_round: Round, settings: Any, tmp_path: Path
) -> None:
    broker = redis_url("PHIEUKIN_TEST_BROKER_URL", example="redis://127.0.0.1:6379/15")
    from phieukin.config import celery_app

    settings.PHIEUKIN_JOBS_INLINE = False
    settings.CELERY_BROKER_URL = broker
    settings.MEDIA_ROOT = str(tmp_path / "media")
    celery_app.conf.broker_url = broker
    import redis

    redis.Redis.from_url(broker).flushdb()  # no message left from an earlier run
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "PHIEUKIN_VAR_DIR": str(tmp_path),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "phieukin.config.settings",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "phieukin.config", "worker",
         "--concurrency=2", "--pool=prefork", "--without-gossip", "--without-mingle",
         "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        job = enqueue(
            actor=None, kind=jobs.SET, params={"round": published_round.pk, "formats": ["pdf"]}
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state in (JobState.DONE, JobState.FAILED):
                break
            time.sleep(0.5)
        if job.state != JobState.DONE:
            worker.send_signal(signal.SIGTERM)
            output = worker.communicate(timeout=30)[0].decode(errors="replace")
            pytest.fail(f"job {job.state}: {job.error}\nworker output:\n{output[-3000:]}")
        assert job.parts.count() == 4
        assert len(_zip_names(job)) == _expected(published_round) // 3
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if worker.stdout is not None:
            worker.stdout.close()
