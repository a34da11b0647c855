"""The checklist import refuses a file of another kind (by its content) or too large: 4xx."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from phieukin.accounts.models import User
from phieukin.core.uploads import MB
from phieukin.selfcheck import services
from phieukin.selfcheck.models import Checklist

pytestmark = pytest.mark.django_db

URL = "/selfchecks/checklists/"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 512
HTML = b"<html><body><script>alert(1)</script>code: ct24</body></html>\n"
WRONG_TYPE = "Không nhận loại tệp này; chỉ nhận: YAML (UTF-8), XLSX."


@pytest.mark.parametrize(("name", "body"), [("ct24.xlsx", EXE), ("ct24.yaml", HTML)])
def test_the_page_refuses_a_file_whose_content_is_not_yaml_or_a_workbook_with_415(
    district_organiser: User, name: str, body: bytes
) -> None:
    client = Client()
    client.force_login(district_organiser)
    response = client.post(URL, {"file": SimpleUploadedFile(name, body)})
    assert response.status_code == 415
    assert WRONG_TYPE in response.content.decode()
    assert not Checklist.objects.exists()


def test_the_page_refuses_a_body_above_the_limit_before_reading_it(
    district_organiser: User,
) -> None:
    client = Client()
    client.force_login(district_organiser)
    response = client.post(
        URL,
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(services.CHECKLIST_MAX_BYTES + MB),
    )
    assert response.status_code == 413
    assert "Dữ liệu tải lên quá lớn (tối đa 2 MB)." in response.content.decode()


def test_the_page_refuses_a_file_above_the_limit_with_413(district_organiser: User) -> None:
    client = Client()
    client.force_login(district_organiser)
    body = b"code: ct24\n" + b"#" * (services.CHECKLIST_MAX_BYTES + 1)
    response = client.post(URL, {"file": SimpleUploadedFile("lon.yaml", body)})
    assert response.status_code == 413
    assert "Tệp quá lớn (tối đa 2 MB)." in response.content.decode()
