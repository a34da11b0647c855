"""The HD 36 helpers: who issues, the plan reference, "MẬT" under the number, signatures."""

from __future__ import annotations

import datetime as dt
import io

from docx.shared import Pt

from phieukin.core import documents as doc
from phieukin.testing.documents import (
    docx_header_cells,
    docx_runs_of,
    pdf_find,
)

HEADER = doc.PartyHeader(
    superior="Quận ủy Long Biên",
    issuer="Ban Tuyên giáo",
    number="Số 12-BC/BTGQU",
    place="Long Biên",
    day=dt.date(2022, 5, 10),
    secrecy="MẬT",
)


def test_a_district_department_issues_under_its_committee_without_repeating_its_name() -> None:
    body = doc.issuing_body(
        level="district",
        place="Long Biên",
        committee="Quận ủy Long Biên",
        department="Ban Tuyên giáo Quận ủy Long Biên",
        parent_organisation="Đảng bộ thành phố Hà Nội",
        by_department=True,
    )
    assert (body.superior, body.issuer, body.symbol) == (
        "QUẬN ỦY LONG BIÊN",
        "BAN TUYÊN GIÁO",
        "BTGQU",
    )


def test_a_ward_without_a_department_issues_as_its_committee_under_the_body_above() -> None:
    body = doc.issuing_body(
        level="ward",
        place="Bồ Đề",
        committee="Đảng ủy phường Bồ Đề",
        parent_organisation="Đảng bộ thành phố Hà Nội",
        by_department=True,
    )
    assert (body.superior, body.issuer, body.symbol) == (
        "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
        "ĐẢNG ỦY PHƯỜNG BỒ ĐỀ",
        "ĐU",
    )


def test_the_plan_reference_reads_as_in_a_party_report() -> None:
    assert doc.plan_reference("104-KH/QU", dt.date(2022, 2, 11), "Ban Thường vụ Quận ủy") == (
        "Kế hoạch số 104-KH/QU ngày 11/02/2022 của Ban Thường vụ Quận ủy"
    )
    assert doc.plan_reference("", dt.date(2022, 2, 11), "Quận ủy") == ""


def test_a_sentence_ends_in_exactly_one_full_stop() -> None:
    assert doc.end_sentence("Gần dân.") == "Gần dân."
    assert doc.end_sentence("Gần dân..") == "Gần dân."
    assert doc.end_sentence("Gần dân") == "Gần dân."
    assert doc.end_sentence("Gần dân? ") == "Gần dân?"


def test_in_a_pdf_the_secrecy_mark_sits_under_the_number_not_above_the_heading() -> None:
    buffer = io.BytesIO()
    doc.build_pdf(
        buffer,
        [*doc.header_flowables(HEADER), *doc.title_flowables("Báo cáo", "Kết quả")],
        title="t",
    )
    data = buffer.getvalue()
    superior = pdf_find(data, "QUẬN ỦY LONG BIÊN")
    number = pdf_find(data, "Số 12-BC/BTGQU")
    mark = pdf_find(data, "MẬT")
    party = pdf_find(data, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert superior and number and mark and party
    assert mark.top < number.bottom  # under the number (PDF y grows upwards)
    assert mark.top < superior.bottom
    assert abs(mark.centre_x - number.centre_x) < 20  # in the left column, centred
    assert mark.right < party.left


def test_in_a_docx_the_secrecy_mark_is_the_last_line_of_the_left_heading() -> None:
    document = doc.docx_document(HEADER)
    buffer = io.BytesIO()
    document.save(buffer)
    left, right = docx_header_cells(buffer.getvalue())
    assert left == ["QUẬN ỦY LONG BIÊN", "BAN TUYÊN GIÁO", "*", "Số 12-BC/BTGQU", "MẬT"]
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right[-1] == "Long Biên, ngày 10 tháng 5 năm 2022"


def test_every_signatory_gets_a_block_with_the_full_name_in_13_points() -> None:
    people = [
        doc.Signatory("TỔ TRƯỞNG TỔ KIỂM PHIẾU", "Lê Văn Cường"),
        doc.Signatory("THÀNH VIÊN", "Phạm Thị Dung"),
        doc.Signatory("THÀNH VIÊN", "Hoàng Văn Em"),
    ]
    buffer = io.BytesIO()
    doc.build_pdf(buffer, doc.signatories_flowables(people), title="t")
    data = buffer.getvalue()
    head_title = pdf_find(data, "TỔ TRƯỞNG TỔ KIỂM PHIẾU")
    head_name = pdf_find(data, "Lê Văn Cường")
    assert head_title and head_name
    assert head_name.top < head_title.bottom
    assert abs(head_name.centre_x - head_title.centre_x) < 5
    assert head_name.size == 13 and head_title.size == 13
    for name in ("Phạm Thị Dung", "Hoàng Văn Em"):
        assert pdf_find(data, name) is not None

    document = doc.docx_document(HEADER)
    doc.docx_signatories(document, people)
    out = io.BytesIO()
    document.save(out)
    runs = docx_runs_of(out.getvalue(), "Lê Văn Cường")
    assert runs and all(r.bold and r.font.size == Pt(13) for r in runs)
    titles = docx_runs_of(out.getvalue(), "THÀNH VIÊN")
    assert len(titles) == 2


def test_the_addressee_line_reads_kinh_gui() -> None:
    buffer = io.BytesIO()
    doc.build_pdf(buffer, doc.addressee_flowables("Ban Thường vụ Quận ủy Long Biên"), title="t")
    assert pdf_find(buffer.getvalue(), "Kính gửi: Ban Thường vụ Quận ủy Long Biên")
