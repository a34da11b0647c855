"""Stored files work on S3-compatible object storage, against a real S3 endpoint.

moto's S3 server runs in a subprocess on a free loopback port (an in-process threaded
server hung inside pytest); django-storages talks to it over HTTP exactly as it would to
MinIO. The paths that store files go through it: the storage calls backup relies on,
signed counting minutes (a replaced file is deleted after commit) and a round's report
set rendered in parts on the queue and assembled from the bucket.
"""

from __future__ import annotations

import importlib.util
import io
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from phieukin.ballots.models import Seal
from phieukin.ballots.services import attach_signed_minutes
from phieukin.jobs.models import Job, JobState
from phieukin.jobs.services import enqueue, result_file
from phieukin.reports import jobs as report_jobs
from phieukin.reports.tests.conftest import fill_round
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.rounds.services import publish_round

if importlib.util.find_spec("moto") is None:  # pragma: no cover - moto is in the dev extra
    pytest.skip(
        "moto is not installed: install the dev extra (pip install -e '.[dev]') to run the "
        "S3 storage tests against moto's S3 server",
        allow_module_level=True,
    )

BUCKET = "phieukin-test"
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start moto's S3 server in a subprocess on loopback; stop it after the module."""
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"moto's S3 server did not start: {log.read_text(errors='replace')}"
                    ) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )


def _keys(endpoint: str) -> list[str]:
    listing = _client(endpoint).list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def on_s3(s3_endpoint: str, settings: Any, tmp_path: Path) -> Iterator[str]:
    """Point the default storage at a fresh bucket of the S3 server (nothing on disk)."""
    client = _client(s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = str(tmp_path / "not-used")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": KEYS["AWS_ACCESS_KEY_ID"],
                "secret_key": KEYS["AWS_SECRET_ACCESS_KEY"],
                "location": "media",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield s3_endpoint
    for key in _keys(s3_endpoint):
        client.delete_object(Bucket=BUCKET, Key=key)
    client.delete_bucket(Bucket=BUCKET)


def test_files_are_stored_listed_read_and_deleted_in_the_bucket(on_s3: str, settings: Any) -> None:
    first = default_storage.save("signed/bien-ban.pdf", ContentFile(b"%PDF-1.4 bien ban"))
    again = default_storage.save("signed/bien-ban.pdf", ContentFile(b"%PDF-1.4 ban khac"))
    default_storage.save("scans/2026/trang-1.png", ContentFile(b"\x89PNG scan"))
    assert first == "signed/bien-ban.pdf" and again != first  # never overwritten
    assert _keys(on_s3) == sorted(
        ["media/signed/bien-ban.pdf", f"media/{again}", "media/scans/2026/trang-1.png"]
    )
    # What the backup walks: folders and files of the storage, read back byte for byte.
    assert default_storage.listdir("") == (["scans", "signed"], [])
    assert default_storage.listdir("scans") == (["2026"], [])
    with default_storage.open(first, "rb") as handle:
        assert handle.read() == b"%PDF-1.4 bien ban"
    assert default_storage.size(again) == len(b"%PDF-1.4 ban khac")
    default_storage.delete(first)
    assert not default_storage.exists(first) and "media/signed/bien-ban.pdf" not in _keys(on_s3)
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing went to the local disk


@pytest.mark.django_db
def test_replacing_signed_minutes_deletes_the_old_object_after_commit(
    on_s3: str, open_round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    fill_round(open_round_)
    box = BallotBox.objects.filter(conference__round=open_round_).order_by("pk").first()
    assert box is not None
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with django_capture_on_commit_callbacks(execute=True):
        attach_signed_minutes(
            actor=None, box=box, upload=SimpleUploadedFile("a.pdf", pdf, "application/pdf")
        )
    first = Seal.objects.get(box=box).signed_minutes.name
    assert _keys(on_s3) == [f"media/{first}"]
    with django_capture_on_commit_callbacks(execute=True):
        attach_signed_minutes(
            actor=None,
            box=box,
            upload=SimpleUploadedFile("b.pdf", pdf + b"%signed\n", "application/pdf"),
        )
    seal = Seal.objects.get(box=box)
    assert _keys(on_s3) == [f"media/{seal.signed_minutes.name}"] != [f"media/{first}"]
    with seal.signed_minutes.open("rb") as handle:
        assert handle.read().endswith(b"%signed\n")


@pytest.mark.django_db
def test_a_report_set_is_rendered_in_parts_and_assembled_from_the_bucket(
    on_s3: str, open_round_: Round, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PHIEUKIN_JOBS_INLINE = True
    fill_round(open_round_)
    rnd = publish_round(actor=None, round=open_round_)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(
            actor=None,
            kind=report_jobs.SET,
            params={"round": rnd.pk, "formats": ["pdf"], "title": rnd.title},
        )
    job = Job.objects.get(parent__isnull=True)
    assert job.state == JobState.DONE
    with result_file(job) as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert len(names) == Subject.objects.filter(conference__round=rnd).count() + 1
    # The parts' files were read back from the bucket and deleted; only the set remains.
    assert _keys(on_s3) == [f"media/{job.result}"]
