"""Importing a list of units from a spreadsheet: every error reported with its line."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import Membership, Role, User
from phieukin.audit.models import AuditEvent
from phieukin.units.models import Unit
from phieukin.units.services import UnitImportError, import_units

HEADER = ["ma", "ten", "loai", "ma_cap_tren", "hieu_luc_tu", "hieu_luc_den"]
GOOD_ROWS = [
    ["01", "Thành phố Hà Nội", "thành phố", "", "", ""],
    ["", "Bồ Đề", "phường", "01", "01/07/2025", ""],
    ["", "Việt Hưng", "Phường", "01", "2025-07-01", ""],
    ["004", "Long Biên", "quận", "01", "06/11/2003", "30/06/2025"],
    ["00133", "Ngọc Lâm", "phường", "004", "", "30/06/2025"],
]
BAD_ROWS = [
    ["01", "Thành phố Hà Nội", "thành phố", "", "", ""],
    ["", "", "phường", "01", "", ""],  # line 3: no name
    ["", "Bồ Đề", "khu phố", "01", "", ""],  # line 4: unknown kind
    ["", "Việt Hưng", "phường", "99", "", ""],  # line 5: unknown parent
    ["", "Phúc Lợi", "phường", "01", "31/02/2025", ""],  # line 6: not a date
    ["", "Long Biên", "phường", "01", "01/07/2025", "01/01/2025"],  # line 7: ends first
    ["01", "Hà Nội lần hai", "thành phố", "", "", ""],  # line 8: code used on line 2
    ["", "Gia Lâm", "quận", "00133x", "", ""],  # line 9: parent code not a number → unknown
]


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    lines = [",".join(HEADER), *(",".join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_good_list_creates_the_units_with_their_parents_and_dates(db: Any, fmt: str) -> None:
    data = _xlsx(GOOD_ROWS) if fmt == "xlsx" else _csv(GOOD_ROWS)
    result = import_units(actor=None, data=data, filename=f"don-vi.{fmt}")
    assert len(result.created) == 5
    city = Unit.objects.get(code="01")
    bo_de = Unit.objects.get(name="Bồ Đề")
    assert bo_de.parent == city and bo_de.valid_from == dt.date(2025, 7, 1)
    assert bo_de.full_name == "Phường Bồ Đề" and bo_de.party_committee == "Đảng ủy phường Bồ Đề"
    assert Unit.objects.get(code="00133").parent == Unit.objects.get(code="004")
    assert Unit.objects.get(code="004").valid_until == dt.date(2025, 6, 30)
    assert AuditEvent.objects.filter(action="units.import_list").count() == 1
    again = import_units(actor=None, data=data, filename=f"don-vi.{fmt}")
    assert len(again.updated) == 3 and len(again.created) == 2  # rows without a code


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_list_with_errors_reports_each_line_and_imports_nothing(db: Any, fmt: str) -> None:
    data = _xlsx(BAD_ROWS) if fmt == "xlsx" else _csv(BAD_ROWS)
    with pytest.raises(UnitImportError) as caught:
        import_units(actor=None, data=data, filename=f"sai.{fmt}")
    assert [str(e) for e in caught.value.errors] == [
        "Dòng 3: chưa có tên đơn vị.",
        "Dòng 4: loại đơn vị “khu phố” không hợp lệ (ghi thành phố, tỉnh, quận, huyện, "
        "phường hoặc xã).",
        "Dòng 5: mã đơn vị cấp trên 99 không có trong tệp và trong hệ thống.",
        "Dòng 6: “31/02/2025” ở cột “hiệu lực từ” không phải là ngày (dd/mm/yyyy).",
        "Dòng 7: ngày kết thúc trước ngày bắt đầu.",
        "Dòng 8: mã 01 đã dùng ở dòng 2 trong cùng thời gian hiệu lực.",
        "Dòng 9: mã đơn vị cấp trên 00133x không có trong tệp và trong hệ thống.",
    ]
    assert not Unit.objects.exists()


def test_a_missing_column_and_an_unreadable_file_are_reported_on_line_1(db: Any) -> None:
    with pytest.raises(UnitImportError) as caught:
        import_units(actor=None, data=b"ma,tenn\n01,X\n", filename="x.csv")
    assert [str(e) for e in caught.value.errors] == [
        "Dòng 1: không có cột “tenn”.",
        "Dòng 1: thiếu cột “ten”.",
        "Dòng 1: thiếu cột “loai”.",
    ]
    # UTF-8 text at its start (so of an accepted kind), not UTF-8 further on.
    damaged = b"ma,ten,loai\n" + b"a" * 3000 + b"\xff\n"
    with pytest.raises(UnitImportError) as caught:
        import_units(actor=None, data=damaged, filename="x.csv")
    assert [e.line for e in caught.value.errors] == [1]


def test_a_ward_cannot_be_the_parent_of_a_district(db: Any) -> None:
    rows = [["00139", "Bồ Đề", "phường", "", "", ""], ["004", "Long Biên", "quận", "00139", "", ""]]
    with pytest.raises(UnitImportError) as caught:
        import_units(actor=None, data=_csv(rows), filename="x.csv")
    assert [str(e) for e in caught.value.errors] == [
        "Dòng 3: Phường Bồ Đề không thể là cấp trên của Quận Long Biên "
        "(cùng cấp hoặc cấp thấp hơn)."
    ]


def _city_organiser() -> User:
    city = Unit.objects.create(kind="province", code="01", slug="ha-noi", name="Thành phố Hà Nội")
    user = User.objects.create_user(username="tuyengiao-tp", password="pw")
    Membership.objects.create(user=user, unit=city, role=Role.DISTRICT_ORGANISER)
    return user


def test_the_city_organiser_imports_through_the_page_and_sees_each_error(db: Any) -> None:
    client = Client()
    client.force_login(_city_organiser())
    url = reverse("units:import")
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": _upload(_csv(BAD_ROWS), "sai.csv")}).content.decode()
    assert "Danh sách đơn vị có 7 lỗi; chưa nhập đơn vị nào." in page
    assert "Dòng 3: chưa có tên đơn vị." in page
    assert "Dòng 9:" in page
    response = client.post(url, {"file": _upload(_xlsx(GOOD_ROWS[1:3]), "moi.xlsx")})
    assert response.status_code == 302
    assert Unit.objects.filter(name="Việt Hưng", parent__code="01").exists()
    tree = client.get(reverse("units:list") + "?on=2026-11-21").content.decode()
    assert "Phường Việt Hưng" in tree
    assert (
        "Phường Việt Hưng"
        not in client.get(reverse("units:list") + "?on=2025-06-30").content.decode()
    )


def test_a_district_organiser_may_not_import(district: Any, district_organiser: User) -> None:
    with pytest.raises(AccessDenied):
        import_units(actor=district_organiser, data=_csv(GOOD_ROWS), filename="x.csv")
    client = Client()
    client.force_login(district_organiser)
    assert client.get(reverse("units:import")).status_code == 403


def test_the_command_prints_each_error_with_its_line(db: Any, tmp_path: Any) -> None:
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(_xlsx(BAD_ROWS))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_units", str(bad), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 7 and lines[0] == "Dòng 3: chưa có tên đơn vị."
    good = tmp_path / "dung.csv"
    good.write_bytes(_csv(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_units", str(good), stdout=out)
    assert "5 đơn vị mới" in out.getvalue()


def _upload(data: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
