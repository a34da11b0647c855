"""The unit-list import refuses a file of another kind (by its content) or too large: 4xx."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from phieukin.core.uploads import MB, UploadRefused
from phieukin.units.models import Unit
from phieukin.units.services import UNIT_LIST_MAX_BYTES, import_units
from phieukin.units.tests.test_import_units import GOOD_ROWS, _city_organiser, _csv

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 512
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script>ma,ten,loai</body></html>\n"
WRONG_TYPE = "Không nhận loại tệp này; chỉ nhận: XLSX, CSV (UTF-8)."


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    return buffer.getvalue()


@pytest.fixture
def organiser_client(db: Any) -> Client:
    client = Client()
    client.force_login(_city_organiser())
    return client


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("don-vi.xlsx", EXE),  # a Windows program renamed .xlsx
        ("don-vi.csv", HTML),  # a web page renamed .csv
        ("don-vi.xlsx", _zip_of_text()),  # a ZIP that is not a workbook
    ],
)
def test_the_page_refuses_a_file_whose_content_is_not_a_spreadsheet_with_415(
    organiser_client: Client, name: str, body: bytes
) -> None:
    before = Unit.objects.count()
    response = organiser_client.post(
        reverse("units:import"), {"file": SimpleUploadedFile(name, body, "text/csv")}
    )
    assert response.status_code == 415
    assert WRONG_TYPE in response.content.decode()
    assert Unit.objects.count() == before


def test_the_page_refuses_a_body_above_the_limit_before_reading_it(
    organiser_client: Client,
) -> None:
    response = organiser_client.post(
        reverse("units:import"),
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(UNIT_LIST_MAX_BYTES + MB),
    )
    assert response.status_code == 413
    assert "Dữ liệu tải lên quá lớn (tối đa 5 MB)." in response.content.decode()


def test_the_page_refuses_a_file_just_above_the_limit_with_413(organiser_client: Client) -> None:
    body = _csv(GOOD_ROWS) + b"#" * (UNIT_LIST_MAX_BYTES + 1 - len(_csv(GOOD_ROWS)))
    response = organiser_client.post(
        reverse("units:import"), {"file": SimpleUploadedFile("lon.csv", body)}
    )
    assert response.status_code == 413
    assert "Tệp quá lớn (tối đa 5 MB)." in response.content.decode()
    assert not Unit.objects.filter(name="Bồ Đề").exists()


def test_the_kind_comes_from_the_content_not_the_name(db: Any) -> None:
    """A CSV named .xlsx is read as CSV; an .exe named .csv is refused."""
    result = import_units(actor=None, data=_csv(GOOD_ROWS), filename="nham-ten.xlsx")
    assert len(result.created) == 5
    with pytest.raises(UploadRefused) as caught:
        import_units(actor=None, data=EXE, filename="don-vi.csv")
    assert (caught.value.code, caught.value.status) == ("upload_type", 415)


def test_the_command_refuses_a_renamed_program_with_the_message(db: Any, tmp_path: Any) -> None:
    path = tmp_path / "don-vi.xlsx"
    path.write_bytes(EXE)
    with pytest.raises(CommandError, match="Không nhận loại tệp này"):
        call_command("import_units", str(path))
    assert not Unit.objects.exists()
