"""The PDFs of a box: code slips (QR readable), zero report, counting minutes."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

from phieukin.ballots import documents, services
from phieukin.rounds.models import BallotBox


def _pages_text(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def test_code_slips_hold_every_code_ten_a_page_with_a_readable_qr(
    open_box_: BallotBox, settings: Any
) -> None:
    settings.PHIEUKIN_PUBLIC_URL = "https://phieukin.example.vn"
    codes = services.generate_codes(actor=None, box=open_box_, count=12)
    data = documents.code_slips_pdf(open_box_, codes)
    pages = _pages_text(data)
    assert len(pages) == 2
    text = " ".join("".join(pages).split())
    assert all(code in text for code in codes)
    assert "ít nhất 5" in text and "ít nhất 8" in text  # the rules are printed
    image = pdfium.PdfDocument(data)[0].render(scale=3).to_pil().convert("L")
    found, decoded, _points, _ = cv2.QRCodeDetector().detectAndDecodeMulti(np.array(image))
    assert found
    urls = [d for d in decoded if d]
    assert urls and all(
        u.startswith(f"https://phieukin.example.vn/v/{open_box_.pk}/") for u in urls
    )
    # The code rides in the fragment, which browsers never send to a server.
    assert {u.split("#", 1)[1] for u in urls} <= {c.replace("-", "") for c in codes}


def test_the_zero_report_records_an_empty_box(open_box_: BallotBox) -> None:
    text = "".join(_pages_text(documents.zero_report_pdf(open_box_)))
    assert "BIÊN BẢN" in text and "Mở hòm phiếu" in text
    assert "Hòm phiếu trống" in text


def test_the_counting_minutes_carry_digest_counts_and_signature_lines(
    open_box_: BallotBox, box_codes: list[str], sheets: Any, counter: Any
) -> None:
    for code in box_codes[:3]:
        services.cast_ballot(code=code, sheets=sheets(0))
    services.close_box(actor=None, box=open_box_)
    seal = services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    text = "".join(_pages_text(documents.counting_minutes_pdf(seal)))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "BIÊN BẢN" in text
    assert seal.digest in text.replace("\r", "").replace("\n", "")
    assert "CHƯA KHỚP" in text
    assert "TỔ TRƯỞNG" in text and "TỔ VIÊN" in text
    assert (counter.full_name or counter.username) in text
