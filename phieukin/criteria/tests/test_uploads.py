"""The criteria import refuses a file of another kind (by its content) or too large: 4xx."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from phieukin.accounts.models import User
from phieukin.core.uploads import MB, UploadRefused
from phieukin.criteria import services
from phieukin.criteria.models import CriteriaSet
from phieukin.criteria.tests.conftest import SAMPLE

URL = "/criteria/sets/upload/"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 512
HTML = b"<html><head><title>x</title></head><body>code: x</body></html>\n"
WRONG_TYPE = "Không nhận loại tệp này; chỉ nhận: YAML (UTF-8), XLSX."


@pytest.mark.parametrize(
    ("name", "body"),
    [("bo-tieu-chi.xlsx", EXE), ("bo-tieu-chi.yaml", HTML), ("bo-tieu-chi.yaml", b"%PDF-1.7\n")],
)
def test_the_page_refuses_a_file_whose_content_is_not_yaml_or_a_workbook_with_415(
    client: Client, district_organiser: User, name: str, body: bytes
) -> None:
    client.force_login(district_organiser)
    response = client.post(URL, {"file": SimpleUploadedFile(name, body)})
    assert response.status_code == 415
    assert WRONG_TYPE in response.content.decode()
    assert not CriteriaSet.objects.exists()


def test_the_page_refuses_a_body_above_the_limit_before_reading_it(
    client: Client, district_organiser: User
) -> None:
    client.force_login(district_organiser)
    response = client.post(
        URL,
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(services.CRITERIA_MAX_BYTES + MB),
    )
    assert response.status_code == 413
    assert "Dữ liệu tải lên quá lớn (tối đa 2 MB)." in response.content.decode()


def test_the_page_refuses_a_file_above_the_limit_with_413(
    client: Client, district_organiser: User
) -> None:
    body = SAMPLE.read_bytes() + b"\n#" * services.CRITERIA_MAX_BYTES
    client.force_login(district_organiser)
    response = client.post(URL, {"file": SimpleUploadedFile("lon.yaml", body[: 2 * MB + 10])})
    assert response.status_code == 413
    assert "Tệp quá lớn (tối đa 2 MB)." in response.content.decode()
    assert not CriteriaSet.objects.exists()


def test_the_kind_comes_from_the_content_not_the_name(db: None) -> None:
    """The sample YAML imports under any name; a program named .yaml is refused."""
    the_set = services.import_criteria_set(
        actor=None, filename="bo-tieu-chi.txt", data=SAMPLE.read_bytes()
    )
    assert the_set.criteria.exists()
    with pytest.raises(UploadRefused) as caught:
        services.import_criteria_set(actor=None, filename="bo.yaml", data=EXE)
    assert (caught.value.code, caught.value.status) == ("upload_type", 415)
