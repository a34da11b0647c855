"""Printed ballots: every page carries markers and a QR naming the sheet, never the voter."""

from __future__ import annotations

import dataclasses

import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.utils import translation

from phieukin.paper.corpus.deck import box_spec, render_images, sample_spec, small_spec
from phieukin.paper.layout import build_layout
from phieukin.paper.omr.types import parse_sheet_id
from phieukin.paper.printing import (
    render_ballots_pdf,
    render_box_ballots_pdf,
    validity_rules_text,
)


def _qr_payloads(pdf: bytes) -> list[str]:
    return [zxingcpp.read_barcodes(img)[0].text for img in render_images(pdf, 100)]


def _page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for i in range(len(document)):
            page = document[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def test_copies_of_each_leader_come_together_with_their_own_serial() -> None:
    spec = small_spec(items=7, options=3)
    box = box_spec(spec, round_id=7, box_id=70)
    pdf = render_ballots_pdf(box=box, copies=3)
    sheets = [parse_sheet_id(p) for p in _qr_payloads(pdf)]
    assert [s.subject_id for s in sheets] == [56, 56, 56, 57, 57, 57]
    assert {(s.round_id, s.box_id) for s in sheets} == {(7, 70)}
    assert {(s.questionnaire_code, s.questionnaire_version) for s in sheets} == {
        ("thu-nghiem-7", 2)
    }
    assert len({s.serial for s in sheets}) == 6
    assert all((s.page, s.page_count) == (1, 1) for s in sheets)
    assert {s.layout for s in sheets} == {build_layout(spec).fingerprint}


def test_pages_of_one_copy_share_the_serial_and_are_numbered() -> None:
    spec = sample_spec()
    pages = build_layout(spec).page_count
    pdf = render_ballots_pdf(box=box_spec(spec), copies=2)
    sheets = [parse_sheet_id(p) for p in _qr_payloads(pdf)]
    assert len(sheets) == 2 * 2 * pages
    for start in range(0, len(sheets), pages):
        copy = sheets[start : start + pages]
        assert [s.page for s in copy] == list(range(1, pages + 1))
        assert len({s.serial for s in copy}) == 1


def test_the_ballot_prints_leader_items_rules_and_vietnamese_text() -> None:
    spec = sample_spec()
    box = box_spec(spec)
    texts = _page_texts(render_ballots_pdf(box=box, copies=1))
    first_copy = " ".join(texts[: build_layout(spec).page_count])
    flat = " ".join(first_copy.split())
    assert "Nguyễn Văn Thử" in flat
    assert "Đợt I/2026 — Phường Bồ Đề" in flat
    assert "Mỗi nội dung chỉ đánh dấu một ô." in flat
    assert "Đánh dấu bằng bút bi hoặc bút mực, không dùng bút chì." in flat
    for option in spec.scales[0].options:
        assert option.label.split()[0] in flat
    assert "Vững vàng về chính trị" in flat  # the first item's text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in flat


def test_the_qr_names_nothing_about_the_respondent() -> None:
    pdf = render_ballots_pdf(box=box_spec(small_spec()), copies=1)
    for payload in _qr_payloads(pdf):
        fields = [part.split("=")[0] for part in payload.split("|")[1:]]
        assert fields == ["r", "b", "s", "q", "p", "n", "l"]


def test_it_refuses_zero_copies() -> None:
    with pytest.raises(ValueError):
        render_ballots_pdf(box=box_spec(small_spec()), copies=0)


@pytest.mark.django_db
def test_a_box_model_prints_one_stack_per_leader(box) -> None:
    pdf = render_box_ballots_pdf(box, copies=2)
    sheets = [parse_sheet_id(p) for p in _qr_payloads(pdf)]
    subjects = list(box.conference.subjects.order_by("order", "pk").values_list("pk", flat=True))
    assert subjects
    assert {s.box_id for s in sheets} == {box.pk}
    assert {s.round_id for s in sheets} == {box.conference.round_id}
    first_pages = [s.subject_id for s in sheets if s.page == 1]
    assert first_pages == [pk for pk in subjects for _ in range(2)]


@pytest.mark.django_db
def test_the_ballot_heading_names_the_committee_above_its_issuing_department(box) -> None:
    """HD 36: the upper line is the body above the issuer, the lower line the issuer."""
    from phieukin.testing.documents import pdf_find

    pdf = render_box_ballots_pdf(box, copies=1)
    superior = pdf_find(pdf, "QUẬN ỦY LONG BIÊN")
    issuer = pdf_find(pdf, "BAN TUYÊN GIÁO")
    party = pdf_find(pdf, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert superior and issuer and party
    assert superior.page == issuer.page == 0
    assert issuer.top < superior.bottom  # the issuer is the lower line
    assert abs(issuer.centre_x - superior.centre_x) < 3 and superior.right < party.left
    assert pdf_find(pdf, "ĐẢNG BỘ QUẬN LONG BIÊN") is None  # never the unit's own organisation


@pytest.mark.parametrize(
    ("blank_invalid", "double_mark_unanswered"), [(True, False), (False, True), (True, True)]
)
def test_the_printed_rules_are_never_cut_short(
    blank_invalid: bool, double_mark_unanswered: bool
) -> None:
    """The rules' slot shrinks its text to fit; every sentence of every variant is printed."""
    with translation.override("vi"):
        rules = validity_rules_text(
            blank_invalid=blank_invalid, double_mark_unanswered=double_mark_unanswered
        )
        box = dataclasses.replace(box_spec(sample_spec()), validity_rules=rules)
        texts = _page_texts(render_ballots_pdf(box=box, copies=1))
    flat = " ".join(" ".join(texts).split())
    for sentence in [
        "Phiếu kín — không ghi tên, không ký.",
        "Đánh dấu bằng bút bi hoặc bút mực, không dùng bút chì.",
        *rules,
    ]:
        assert " ".join(sentence.split()) in flat, sentence
