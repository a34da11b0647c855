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
    assert "TỔ TRƯỞNG TỔ KIỂM PHIẾU" in text and "THÀNH VIÊN" in text
    # No committee recorded: the counter accounts' full names, never an account name.
    assert counter.full_name in text and counter.username not in text


def test_the_share_slips_carry_each_share_as_a_qr_code_and_typed(box: Any) -> None:
    import zxingcpp

    opening = services.open_box(actor=None, box=box, threshold=2, members=3, recovery=True)
    pdf = documents.share_slips_pdf(
        opening.box,
        shares=opening.shares,
        threshold=opening.threshold,
        members=opening.members,
        fingerprint=opening.fingerprint,
    )
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 2  # two slips a page
    read: list[str] = []
    text = ""
    for page in document:
        image = page.render(scale=2).to_pil()
        read += [result.text for result in zxingcpp.read_barcodes(image)]
        text += page.get_textpage().get_text_range()
    document.close()
    assert sorted(read) == sorted(opening.shares)
    assert opening.shares[0].split("-")[0] in text
    assert "Ban Tổ chức" in text and "ít nhất 2 trong 3" in text
