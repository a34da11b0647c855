"""The doors of the product, tried as an attacker would: uploads, huge numbers, headers,
production defaults."""

from __future__ import annotations

import hashlib
import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.ballots import services
from phieukin.ballots.models import Seal
from phieukin.rounds.models import BallotBox
from tests.adversarial.conftest import full_sheets

ROOT = Path(__file__).resolve().parents[2]
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"1 0 obj\n" * 8


@pytest.fixture
def open_box_(box: BallotBox) -> BallotBox:
    services.open_box(actor=None, box=box)
    box.refresh_from_db()
    return box


@pytest.fixture
def sealed(open_box_: BallotBox, settings: Any, tmp_path: Path) -> BallotBox:
    settings.MEDIA_ROOT = tmp_path
    code = services.generate_codes(actor=None, box=open_box_, count=1)[0]
    services.cast_ballot(code=code, sheets=full_sheets(open_box_, 0))
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    return open_box_


def _upload(client: Client, box: BallotBox, name: str, body: bytes, kind: str) -> Any:
    photo = SimpleUploadedFile(name, body, kind)
    return client.post(f"/ballots/{box.pk}/signed/", {"signed": photo})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "body", "kind", "status"),
    [
        ("bien-ban.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf", 415),  # an .exe
        ("bien-ban.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg", 415),
        ("bien-ban.png", b"", "image/png", 400),
    ],
)
def test_the_signed_minutes_refuse_a_file_that_is_not_a_pdf_or_photo(
    sealed: BallotBox, counter: User, name: str, body: bytes, kind: str, status: int
) -> None:
    client = Client()
    client.force_login(counter)
    response = _upload(client, sealed, name, body, kind)
    assert response.status_code == status
    assert 'id="signed-error"' in response.content.decode()
    assert not Seal.objects.get(box=sealed).signed_minutes


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_before_its_body_is_read(
    sealed: BallotBox, counter: User
) -> None:
    client = Client()
    client.force_login(counter)
    response = client.post(
        f"/ballots/{sealed.pk}/signed/",
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "MB" in response.content.decode()


@pytest.mark.django_db
def test_a_replaced_file_is_deleted_and_both_hashes_are_audited(
    sealed: BallotBox, counter: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(counter)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, sealed, "a.jpg", JPEG, "image/jpeg")
    first = Seal.objects.get(box=sealed).signed_minutes
    first_path = Path(first.path)
    assert first_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, sealed, "b.pdf", PDF, "application/pdf")
    assert not first_path.exists()
    event = AuditEvent.objects.filter(action="box.signed_minutes").order_by("-pk")[0]
    assert event.data["replaced_sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert event.data["sha256"] == hashlib.sha256(PDF).hexdigest()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [str(2**63), str(2**64), "9" * 40])
def test_huge_counts_on_the_web_are_refused_without_a_server_error(
    open_box_: BallotBox, counter: User, ward_organiser: User, value: str
) -> None:
    client = Client()
    client.force_login(counter)
    response = client.post(
        f"/ballots/{open_box_.pk}/paper/", {"issued": value, "returned": "0"}, follow=True
    )
    assert response.status_code == 200
    open_box_.refresh_from_db()
    assert open_box_.paper_issued is None
    organiser = Client()
    organiser.force_login(ward_organiser)
    response = organiser.post(
        f"/rounds/conferences/{open_box_.conference_id}/",
        {"invited": value, "present": "1"},
    )
    assert response.status_code in (200, 302)
    open_box_.conference.refresh_from_db()
    assert open_box_.conference.invited_count != int(value)


def test_gunicorn_sends_no_server_banner() -> None:
    runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    from gunicorn.http.wsgi import Response

    class Config:
        is_ssl = False

    class Request:
        version = (1, 1)
        method = "GET"
        headers: list[tuple[str, str]] = []

        def should_close(self) -> bool:
            return False

    response = Response(Request(), None, Config())
    response.status = "200 OK"
    response.status_code = 200
    lines = response.default_headers()
    assert lines and not any(line.lower().startswith("server:") for line in lines)


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    base["DJANGO_SETTINGS_MODULE"] = "phieukin.config.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_debug_is_off_and_the_proxy_header_untrusted_unless_declared(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    secret = {"SECRET_KEY": "k" * 50, "PHIEUKIN_VAR_DIR": str(tmp_path)}
    assert _python(code, secret).stdout.split() == ["False", "None"]
    declared = _python(code, secret | {"PHIEUKIN_PROXY_COUNT": "1"}).stdout
    assert "HTTP_X_FORWARDED_PROTO" in declared
