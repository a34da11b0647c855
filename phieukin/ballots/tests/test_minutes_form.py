"""Golden test of the counting minutes: signable as printed (HD 36), read back from the PDF.

Heading "ĐẢNG ỦY PHƯỜNG … / TỔ KIỂM PHIẾU" with its number and date line; the plan, the
venue, the time, the chair and the secretary; people and sheets apart, reconciled in
people; one signature block per committee member present, the full name under the
right title in 13 pt; the bulletin sentence on the same page as its address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from phieukin.ballots import documents, services
from phieukin.ballots.models import Seal
from phieukin.rounds.models import BallotBox, Conference
from phieukin.rounds.services import record_conference_details, record_round_plan
from phieukin.testing.documents import (
    DATE_LINE,
    docx_all_text,
    docx_document,
    docx_header_cells,
    pdf_find,
    pdf_pages,
)
from phieukin.testing.rawkeys import raw_keys

pytestmark = pytest.mark.django_db

COMMITTEE = ["Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Đỗ Thị Giang"]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def seal(open_box_: BallotBox, box_codes: list[str], sheets: Any, settings: Any) -> Seal:
    settings.PHIEUKIN_PUBLIC_URL = "https://phieukin.example.vn"
    conference = Conference.objects.get(pk=open_box_.conference_id)
    record_round_plan(
        actor=None,
        round=conference.round,
        number="104-KH/QU",
        day=dt.date(2026, 2, 11),
        issuer="Ban Thường vụ Quận ủy Long Biên",
    )
    record_conference_details(
        actor=None,
        conference=conference,
        place="Hội trường Đảng ủy phường",
        starts_at=dt.time(8, 0),
        chair="Nguyễn Văn An",
        secretary="Trần Thị Bình",
        committee=COMMITTEE,
    )
    for code in box_codes[:3]:
        services.cast_ballot(code=code, sheets=sheets(0))
    services.close_box(actor=None, box=open_box_)
    return services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)


@pytest.fixture
def minutes(seal: Seal) -> bytes:
    return documents.counting_minutes_pdf(seal)


@pytest.fixture
def minutes_docx(seal: Seal) -> bytes:
    return documents.counting_minutes_docx(seal)


def test_the_minutes_head_names_the_ward_committee_above_the_counting_committee(
    minutes: bytes, open_box_: BallotBox
) -> None:
    ward = open_box_.conference.unit
    superior = pdf_find(minutes, ward.party_committee.upper())
    issuer = pdf_find(minutes, "TỔ KIỂM PHIẾU")
    party = pdf_find(minutes, "ĐẢNG CỘNG SẢN VIỆT NAM")
    number = pdf_find(minutes, "-BB/TKP")
    assert superior and issuer and party and number
    assert issuer.top < superior.bottom and number.top < issuer.bottom
    assert superior.right < party.left
    first_page = pdf_pages(minutes)[0]
    assert "BIÊN BẢN" in first_page
    assert any(DATE_LINE.fullmatch(line.strip()) for line in first_page.splitlines())


def test_the_minutes_record_the_plan_venue_time_chair_secretary_and_committee(
    minutes: bytes,
) -> None:
    text = _flat("\n".join(pdf_pages(minutes)))
    assert "Thực hiện Kế hoạch số 104-KH/QU ngày 11/02/2026 của Ban Thường vụ Quận ủy" in text
    assert "hồi 08 giờ 00 phút" in text and "tại Hội trường Đảng ủy phường" in text
    assert "Chủ trì hội nghị: đồng chí Nguyễn Văn An." in text
    assert "Thư ký hội nghị: đồng chí Trần Thị Bình." in text
    assert "Tổ kiểm phiếu có mặt 4 đồng chí: đồng chí Lê Văn Cường, Tổ trưởng" in text


def test_people_and_sheets_are_told_apart_and_reconciled_in_people(minutes: bytes) -> None:
    text = _flat("\n".join(pdf_pages(minutes)))
    assert "1. Số người (tính theo người)" in text
    assert "2. Số phiếu (tính theo tờ phiếu)" in text
    assert "3. Đối chiếu số liệu (tính theo người)" in text
    assert "không phải bỏ phiếu hai lần" in text
    assert "Tổng số người đã góp ý (mã đã dùng cộng phiếu giấy thu về) 3" in text


def test_each_member_signs_under_the_right_title_with_the_full_name_in_13_points(
    minutes: bytes, open_box_: BallotBox
) -> None:
    head = pdf_find(minutes, "TỔ TRƯỞNG TỔ KIỂM PHIẾU")
    assert head is not None and head.size == 13
    head_name = pdf_find(minutes, "Lê Văn Cường", occurrence=1)  # the first is in the text
    assert head_name is not None and head_name.size == 13
    assert head_name.page == head.page and head_name.top < head.bottom
    assert abs(head_name.centre_x - head.centre_x) < 5
    for index, name in enumerate(COMMITTEE[1:]):
        title = pdf_find(minutes, "THÀNH VIÊN", occurrence=index)
        signed = pdf_find(minutes, name, occurrence=1)
        assert title is not None and signed is not None
        assert title.size == 13 and signed.size == 13
        assert signed.page == title.page and signed.top < title.bottom
        assert abs(signed.centre_x - title.centre_x) < 5
    # Never the account name of a counter.
    assert "kiemphieu" not in "\n".join(pdf_pages(minutes))


def test_the_bulletin_sentence_and_its_address_share_a_page(
    minutes: bytes, open_box_: BallotBox
) -> None:
    sentence = pdf_find(minutes, "Bảng công bố công khai tại địa chỉ:")
    address = pdf_find(minutes, f"https://phieukin.example.vn/bulletin/{open_box_.pk}/")
    assert sentence and address and sentence.page == address.page
    closing = pdf_find(minutes, "nhất trí ký tên")
    last_name = pdf_find(minutes, COMMITTEE[-1], occurrence=1)
    assert closing and last_name and closing.page == last_name.page


# --- The same minutes as an editable DOCX --------------------------------------------------


def test_the_docx_minutes_carry_the_same_heading(minutes_docx: bytes, open_box_: BallotBox) -> None:
    left, right = docx_header_cells(minutes_docx)
    ward = open_box_.conference.unit
    assert left[:3] == [ward.party_committee.upper(), "TỔ KIỂM PHIẾU", "*"]
    assert left[3].endswith("-BB/TKP")
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert DATE_LINE.fullmatch(right[-1].strip())
    text = docx_all_text(minutes_docx)
    assert "BIÊN BẢN" in text


def test_the_docx_minutes_say_what_the_pdf_says(minutes: bytes, minutes_docx: bytes) -> None:
    docx_text = _flat(docx_all_text(minutes_docx))
    pdf_text = _flat("\n".join(pdf_pages(minutes)))
    for sentence in (
        "Thực hiện Kế hoạch số 104-KH/QU ngày 11/02/2026 của Ban Thường vụ Quận ủy",
        "tại Hội trường Đảng ủy phường",
        "Chủ trì hội nghị: đồng chí Nguyễn Văn An.",
        "Thư ký hội nghị: đồng chí Trần Thị Bình.",
        "Tổ kiểm phiếu có mặt 4 đồng chí: đồng chí Lê Văn Cường, Tổ trưởng",
        "1. Số người (tính theo người)",
        "2. Số phiếu (tính theo tờ phiếu)",
        "3. Đối chiếu số liệu (tính theo người)",
        "Bảng công bố công khai tại địa chỉ:",
        "nhất trí ký tên",
    ):
        assert sentence in docx_text and sentence in pdf_text, sentence
    assert not raw_keys(docx_text)


def test_each_member_signs_the_docx_under_the_right_title_in_bold_13_points(
    minutes_docx: bytes,
) -> None:
    document = docx_document(minutes_docx)
    blocks = [
        [p for p in cell.paragraphs]
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        if cell.paragraphs and cell.paragraphs[0].text in ("TỔ TRƯỞNG TỔ KIỂM PHIẾU", "THÀNH VIÊN")
    ]
    assert [b[0].text for b in blocks] == ["TỔ TRƯỞNG TỔ KIỂM PHIẾU"] + ["THÀNH VIÊN"] * 3
    assert [b[-1].text for b in blocks] == COMMITTEE
    for block in blocks:
        for paragraph in (block[0], block[-1]):
            run = paragraph.runs[0]
            assert run.bold and run.font.size.pt == 13
    # Never the account name of a counter.
    assert "kiemphieu" not in docx_all_text(minutes_docx)


def test_the_box_page_and_the_api_offer_the_docx(
    minutes_docx: bytes, open_box_: BallotBox, counter: Any, client: Any
) -> None:
    from phieukin.api.auth import create_api_token

    client.force_login(counter)
    page = client.get(f"/ballots/{open_box_.pk}/").content.decode()
    assert f"/ballots/{open_box_.pk}/minutes.docx" in page
    web = client.get(f"/ballots/{open_box_.pk}/minutes.docx")
    assert web.status_code == 200 and web["Content-Type"].endswith("wordprocessingml.document")
    token = create_api_token(user=counter, name="minutes")
    api = client.get(
        f"/api/v1/admin/boxes/{open_box_.pk}/minutes.docx", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert api.status_code == 200
    assert _flat(docx_all_text(api.content)) == _flat(docx_all_text(web.content))
    pdf = client.get(
        f"/api/v1/admin/boxes/{open_box_.pk}/minutes.pdf", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
