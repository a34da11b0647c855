"""Scan uploads go through the shared upload check and are still streamed to storage."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from phieukin.core.uploads import MB
from phieukin.paper import scanning
from phieukin.paper.images import SCAN_REQUEST_MAX_BYTES, Upload
from phieukin.paper.models import ScanBatch, ScanFile
from phieukin.rounds.models import BallotBox

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 512
HTML = b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"
WRONG_TYPE = "Không nhận loại tệp này; chỉ nhận: PDF, PNG, JPEG, TIFF."


def _png(size: int = 64) -> bytes:
    ok, data = cv2.imencode(".png", np.full((size, size), 255, dtype=np.uint8))
    assert ok
    return bytes(data.tobytes())


def _post(client: Client, box: BallotBox, files: dict[str, bytes]) -> Any:
    handles = []
    for name, data in files.items():
        handle = io.BytesIO(data)
        handle.name = name
        handles.append(handle)
    return client.post(reverse("paper:upload", args=[box.pk]), {"files": handles})


@pytest.mark.parametrize(("name", "body"), [("quet.pdf", EXE), ("quet.png", HTML)])
def test_a_file_whose_content_is_not_a_scan_is_refused_with_415(
    as_counter: Client, open_box_: BallotBox, name: str, body: bytes
) -> None:
    response = _post(as_counter, open_box_, {"tot.png": _png(), name: body})
    assert response.status_code == 415
    assert f"{name}: {WRONG_TYPE}" in response.content.decode()
    assert not ScanFile.objects.exists() and not ScanBatch.objects.exists()


def test_a_body_above_the_limit_is_refused_before_it_is_read(
    as_counter: Client, open_box_: BallotBox
) -> None:
    response = as_counter.post(
        reverse("paper:upload", args=[open_box_.pk]),
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(SCAN_REQUEST_MAX_BYTES + MB),
    )
    assert response.status_code == 413
    assert "Dữ liệu tải lên quá lớn" in response.content.decode()


def test_a_file_above_the_scan_limit_is_refused_with_413(
    as_counter: Client, open_box_: BallotBox, monkeypatch: Any
) -> None:
    monkeypatch.setattr(scanning, "MAX_SCAN_BYTES", 100)
    response = _post(as_counter, open_box_, {"lon.png": _png(256)})
    assert response.status_code == 413
    assert "lon.png: Tệp quá lớn (tối đa 1 MB)." in response.content.decode()
    assert not ScanFile.objects.exists()


def test_the_kind_comes_from_the_content_and_names_the_stored_file(
    as_counter: Client, open_box_: BallotBox
) -> None:
    """A PNG named .pdf is accepted, stored and read as a PNG."""
    response = _post(as_counter, open_box_, {"nham-ten.pdf": _png()})
    assert response.status_code == 302
    scan = ScanFile.objects.get(box=open_box_)
    assert scan.name == "nham-ten.pdf"
    assert scan.file.name.endswith(".png") and scan.pages == 1


class CountingReader(io.BytesIO):
    """A file that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_the_check_reads_only_the_head_of_a_large_scan() -> None:
    """The kind and size are known before the file is streamed: 2 KiB read of 8 MiB."""
    handle = CountingReader(b"%PDF-1.7\n" + b"0" * (8 * MB))
    assert scanning._check_upload(Upload("lon.pdf", handle)) == "pdf"
    assert handle.bytes_read <= 2048


def test_the_command_refuses_a_renamed_program(open_box_: BallotBox, tmp_path: Path) -> None:
    path = tmp_path / "quet.tiff"
    path.write_bytes(EXE)
    with pytest.raises(CommandError, match=r"quet\.tiff: Không nhận loại tệp này"):
        call_command("omr_scan", str(open_box_.pk), str(path))
    assert not ScanFile.objects.exists()


def test_the_upload_page_says_how_to_capture_so_that_light_marks_survive(
    as_counter: Client, open_box_: BallotBox
) -> None:
    body = as_counter.get(reverse("paper:upload", args=[open_box_.pk])).content.decode()
    assert "Cách quét, chụp phiếu" in body
    # The causes of the marks a capture loses, each with what to do instead.
    for advice in (
        "không dùng chế độ đen trắng",
        "không để bóng tay hoặc bóng điện thoại đổ lên trang",
        "giảm độ phơi sáng: ảnh quá sáng làm mất các dấu bút chì nhạt",
        "Vuốt phẳng tờ phiếu bị nhàu",
    ):
        assert advice in body
