"""The random blind check of scanned sheets the reader read without doubt.

A share of the clear copies goes to the review queue instead of the box; the member types
the whole copy from the paper without seeing the reading, and the box counts how often the
paper differs from the reader (counts only, never which copy, item or option).
"""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from phieukin.ballots import documents
from phieukin.ballots.models import PendingBallot, Seal
from phieukin.ballots.services import close_box, seal_box, verify_box
from phieukin.ballots.sheet import ItemShape, decode
from phieukin.core.errors import DomainError
from phieukin.paper import scanning
from phieukin.paper.layout import BallotLayout
from phieukin.paper.models import PaperOptions, PendingReading, ReaderCheck, ScanBatch
from phieukin.paper.services import set_spot_check
from phieukin.paper.tests.helpers import content_of
from phieukin.paper.tests.test_scan_flow import (
    _choices,
    _chosen,
    _copy_in_review,
    _mark,
    _png,
    _run,
    _upload,
    layout,
    pages,
)
from phieukin.rounds.models import BallotBox
from phieukin.testing.documents import docx_all_text, pdf_pages

__all__ = ["layout", "pages"]  # fixtures shared with the scan flow tests

pytestmark = pytest.mark.django_db


def _clear_copy(
    client: Client, box: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> ScanBatch:
    """Scan one whole copy whose every item is plainly marked; return its batch, read."""
    files = {f"p{n}.png": _png(_mark(pages[n - 1], layout, n, _choices(layout, n))) for n in (1, 2)}
    assert _upload(client, box, files).status_code == 302
    return _run(client, box, ScanBatch.objects.get(box=box))


def _copy_in_check(
    client: Client, box: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> str:
    """Check every clear copy, scan one; return the review URL of the copy waiting."""
    set_spot_check(actor=None, box=box, percent=100)
    _clear_copy(client, box, layout, pages)
    return reverse("paper:review", args=[box.pk, PendingReading.objects.get(box=box).pk])


def _read_digits(layout: BallotLayout, shapes: list[ItemShape]) -> str:
    """Return the copy of :func:`_clear_copy` as keyboard digits (what is on the paper)."""
    digits: dict[str, str] = {}
    for n in (1, 2):
        digits |= {item.key: str(c + 1) for item, c in _chosen(layout, n, _choices(layout, n))}
    return "".join(digits[shape.key] for shape in shapes)


def test_the_default_share_is_one_sheet_in_twenty_and_the_committee_sets_it(
    as_counter: Client, open_box_: BallotBox
) -> None:
    assert PaperOptions.spot_check_of(open_box_) == 5
    page = as_counter.get(reverse("paper:box", args=[open_box_.pk])).content.decode()
    assert "Kiểm tra ngẫu nhiên phiếu quét" in page
    assert 'name="percent"' in page
    assert 'value="5"' in page
    url = reverse("paper:spot_check", args=[open_box_.pk])
    response = as_counter.post(url, {"percent": "20"})
    assert response.status_code == 302
    assert PaperOptions.spot_check_of(open_box_) == 20
    shown = as_counter.get(response["Location"]).content.decode()
    assert "20%" in shown  # the confirmation names the new share
    for bad in ("", "abc", "-1", "101", "2,5"):
        response = as_counter.post(url, {"percent": bad})
        assert response.status_code == 400, bad
        assert "Nhập một số nguyên từ 0 đến 100." in response.content.decode()
    assert PaperOptions.spot_check_of(open_box_) == 20
    with pytest.raises(DomainError) as refused:
        set_spot_check(actor=None, box=open_box_, percent=101)
    assert refused.value.code == "bad_spot_check"


def test_a_clear_copy_chosen_for_a_check_waits_with_its_reading_hidden(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    set_spot_check(actor=None, box=open_box_, percent=100)
    batch = _clear_copy(as_counter, open_box_, layout, pages)
    assert (batch.ballots_entered, batch.sent_to_review, batch.spot_checks) == (0, 1, 1)
    assert not PendingBallot.objects.filter(box=open_box_).exists()
    reading = PendingReading.objects.get(box=open_box_)
    assert reading.spot_check
    assert not reading.crops.exists()  # nothing was in doubt
    progress = as_counter.get(reverse("paper:batch", args=[open_box_.pk, batch.pk]))
    assert "chọn ngẫu nhiên để kiểm tra" in progress.content.decode()
    queue = as_counter.get(reverse("paper:review_queue", args=[open_box_.pk])).content.decode()
    assert "kiểm tra ngẫu nhiên: nhập cả phiếu theo phiếu giấy" in queue
    body = as_counter.get(reverse("paper:review", args=[open_box_.pk, reading.pk]))
    text = body.content.decode()
    assert "Kiểm tra ngẫu nhiên." in text
    # No reading shows: no box framed as chosen, every row a "?", the field all "?".
    assert 'class="chosen"' not in text
    assert text.count('data-read="?"') == len(shapes)
    assert f'value="{"?" * len(shapes)}"' in text
    # Every item has its radio buttons, so the check works without the script too.
    for shape in shapes:
        assert f'name="item-{shape.key}"' in text
    # The reader's digits appear nowhere on the page.
    assert _read_digits(layout, shapes) not in text


def test_a_blind_check_takes_every_item_and_counts_where_the_paper_differs(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    url = _copy_in_check(as_counter, open_box_, layout, pages)
    # Deciding only some items, or none, is refused: the check is of the whole copy.
    partial = {f"item-{shapes[0].key}": shapes[0].option_keys[0]}
    response = as_counter.post(url, {"keys": "?" * len(shapes), **partial})
    assert response.status_code == 400
    assert "số 2" in response.content.decode()  # names the first item still to decide
    assert not PendingBallot.objects.filter(box=open_box_).exists()
    # The paper, typed: two items differ from what the reader read.
    paper = list(_read_digits(layout, shapes))
    paper[0] = "0"
    paper[3] = "1" if paper[3] != "1" else "2"
    assert as_counter.post(url, {"keys": "".join(paper)}).status_code == 302
    ballot = PendingBallot.objects.get(box=open_box_)
    answers = decode(shapes, content_of(ballot).answers)
    for shape, char in zip(shapes, paper, strict=True):
        assert answers[shape.key] == (None if char == "0" else shape.option_keys[int(char) - 1])
    check = ReaderCheck.objects.get(box=open_box_)
    assert (check.spot_copies, check.spot_items, check.spot_differences) == (1, len(shapes), 2)
    assert check.spot_copies_differing == 1
    assert (check.reviewed_items, check.corrected) == (0, 0)
    # The committee is warned before sealing, in Vietnamese, with the figures.
    page = as_counter.get(reverse("paper:box", args=[open_box_.pk])).content.decode()
    assert "Trên 1 trong số 1 phiếu quét được kiểm tra ngẫu nhiên" in page
    assert "(2 câu)" in page


def test_a_blind_check_agreeing_with_the_reader_counts_no_difference_and_no_warning(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    url = _copy_in_check(as_counter, open_box_, layout, pages)
    # Decided by the radio buttons alone (no script): every item from the paper.
    post: dict[str, Any] = {"keys": "?" * len(shapes)}
    for shape, char in zip(shapes, _read_digits(layout, shapes), strict=True):
        post[f"item-{shape.key}"] = shape.option_keys[int(char) - 1]
    assert as_counter.post(url, post).status_code == 302
    check = ReaderCheck.objects.get(box=open_box_)
    assert (check.spot_copies, check.spot_items, check.spot_differences) == (1, len(shapes), 0)
    page = as_counter.get(reverse("paper:box", args=[open_box_.pk])).content.decode()
    assert "kiểm tra ngẫu nhiên, giấy khác" not in page
    assert "đếm lại bằng tay" not in page


def test_a_sheet_declared_invalid_in_a_check_is_not_counted_as_a_reader_error(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    url = _copy_in_check(as_counter, open_box_, layout, pages)
    assert as_counter.post(url, {"keys": "*"}).status_code == 302
    assert not PendingBallot.objects.get(box=open_box_).valid
    assert not ReaderCheck.objects.filter(box=open_box_).exists()


def test_at_zero_percent_a_clear_copy_goes_straight_into_the_box(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    set_spot_check(actor=None, box=open_box_, percent=0)
    batch = _clear_copy(as_counter, open_box_, layout, pages)
    assert (batch.ballots_entered, batch.sent_to_review, batch.spot_checks) == (1, 0, 0)
    assert not PendingReading.objects.exists()


def test_a_review_typed_digit_by_digit_counts_the_items_read_without_doubt_it_corrects(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    set_spot_check(actor=None, box=open_box_, percent=0)
    choices1 = _choices(layout, 1)
    doubtful = layout.page(1).items[1]
    choices1[doubtful.key] = (0, 3)  # two boxes marked: a doubt
    reading = _copy_in_review(as_counter, open_box_, layout, pages, choices1)
    assert not reading.spot_check
    url = reverse("paper:review", args=[open_box_.pk, reading.pk])
    page = as_counter.get(url).content.decode()
    assert "Kiểm tra ngẫu nhiên." not in page
    read = _read_digits(layout, shapes)
    index = [shape.key for shape in shapes].index(doubtful.key)
    typed = list(read)
    typed[index] = "+"  # the doubt decided: two marks
    typed[-1] = "1" if typed[-1] != "1" else "2"  # an item read without doubt, corrected
    assert as_counter.post(url, {"keys": "".join(typed)}).status_code == 302
    check = ReaderCheck.objects.get(box=open_box_)
    assert (check.reviewed_items, check.corrected) == (len(shapes) - 1, 1)
    assert (check.spot_copies, check.spot_differences) == (0, 0)


def test_the_draw_follows_the_share_and_cannot_be_foretold(
    open_box_: BallotBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_spot_check(actor=None, box=open_box_, percent=30)
    monkeypatch.setattr(scanning, "spot_check_percent", PaperOptions.spot_check_of)
    draws = [scanning._chosen_for_check(open_box_) for _ in range(3000)]
    # 30 % of 3,000 is 900 (σ ≈ 25): outside 800-1,000 one run in about 10⁵.
    assert 800 <= sum(draws) <= 1000
    # Not a fixed pattern: the runs of the same outcome are as many as chance makes.
    changes = sum(1 for a, b in itertools.pairwise(draws) if a != b)
    assert 1100 <= changes <= 1420  # expected 2·0.3·0.7·2,999 ≈ 1,260
    set_spot_check(actor=None, box=open_box_, percent=0)
    assert not any(scanning._chosen_for_check(open_box_) for _ in range(500))


def test_the_command_sets_the_share_and_reports_the_checks(
    open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray], tmp_path: Path
) -> None:
    files = []
    for n in (1, 2):
        path = tmp_path / f"p{n}.png"
        cv2.imwrite(str(path), _mark(pages[n - 1], layout, n, _choices(layout, n)))
        files.append(str(path))
    out = io.StringIO()
    call_command(
        "omr_scan", str(open_box_.pk), *files, "--spot-check", "100", "--json",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["ballots_entered"] == 0
    assert summary["sheets_sent_to_review"] == 1
    assert summary["sheets_chosen_for_a_random_check"] == 1
    assert summary["random_check_percent"] == 100
    assert summary["random_check_so_far"] == {
        "sheets_checked": 0,
        "items_compared": 0,
        "items_differing": 0,
    }
    with pytest.raises(CommandError, match="từ 0 đến 100"):
        call_command("omr_scan", str(open_box_.pk), *files, "--spot-check", "150")


def test_a_database_copy_after_checks_shows_counts_only_never_which_sheet_or_answer(
    as_counter: Client,
    counter: Any,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    from phieukin.audit.models import AuditEvent

    url = _copy_in_check(as_counter, open_box_, layout, pages)
    events_before = AuditEvent.objects.count()
    paper = list(_read_digits(layout, shapes))
    paper[2] = "0"
    assert as_counter.post(url, {"keys": "".join(paper)}).status_code == 302
    # The check's table: the box and counts, no column that could name a sheet, an item,
    # an option, a reviewer or a moment.
    columns = {f.column for f in ReaderCheck._meta.get_fields() if hasattr(f, "column")}
    assert columns == {
        "id",
        "box_id",
        "spot_copies",
        "spot_items",
        "spot_differences",
        "spot_copies_differing",
        "reviewed_items",
        "corrected",
    }
    row = ReaderCheck.objects.filter(box=open_box_).values().get()
    assert all(isinstance(value, int) for value in row.values())
    # The copy waiting for the check is gone with its images, and the review left no
    # event naming the reviewer next to the sheet.
    assert not PendingReading.objects.exists()
    assert AuditEvent.objects.count() == events_before
    # (The upload is the one paper event of the member: an administrative act, no sheet.)
    assert set(AuditEvent.objects.filter(actor=counter).values_list("action", flat=True)) == {
        "paper.scans_uploaded"
    }


def _sealed(box: BallotBox) -> Seal:
    close_box(actor=None, box=box)
    return seal_box(actor=None, box=box, acknowledge_mismatch=True)


def test_the_seal_records_the_checks_under_its_digest_and_the_minutes_print_them(
    as_counter: Client,
    open_box_: BallotBox,
    layout: BallotLayout,
    pages: list[np.ndarray],
    shapes: list[ItemShape],
) -> None:
    url = _copy_in_check(as_counter, open_box_, layout, pages)
    paper = list(_read_digits(layout, shapes))
    paper[1] = "0"
    assert as_counter.post(url, {"keys": "".join(paper)}).status_code == 302
    seal = _sealed(open_box_)
    assert seal.counts["ballots_scanned"] == 1
    assert seal.counts["scan_checks"] == {
        "corrected": 0,
        "reviewed_items": 0,
        "spot_copies": 1,
        "spot_copies_differing": 1,
        "spot_differences": 1,
        "spot_items": len(shapes),
    }
    assert verify_box(box=open_box_).ok
    # The minutes print them in their own section, the later sections renumbered.
    pdf = " ".join(" ".join(pdf_pages(documents.counting_minutes_pdf(seal))).split())
    docx = " ".join(docx_all_text(documents.counting_minutes_docx(seal)).split())
    for text in (pdf, docx):
        assert "3. Kiểm tra máy đọc phiếu quét (tính theo tờ phiếu)" in text
        assert (
            "Số tờ phiếu máy đọc không có nghi vấn, chọn ngẫu nhiên và nhập lại theo phiếu giấy 1"
        ) in text
        assert f"Số câu đã đối chiếu trên các tờ phiếu đó {len(shapes)}" in text
        assert "Số câu phiếu giấy khác kết quả máy đọc 1" in text
        assert "các tờ phiếu quét khác của hòm phiếu cũng có thể bị đọc sai" in text
        assert "4. Đối chiếu số liệu (tính theo người)" in text
        assert "5. Mã kiểm tra niêm phong (SHA-256)" in text
    # The public bulletin shows them.
    page = Client().get(f"/bulletin/{open_box_.pk}/").content.decode()
    assert "kiểm tra ngẫu nhiên với phiếu giấy" in page
    assert "đã kiểm tra 1 tờ, 1 tờ khác kết quả máy đọc (1 câu)" in page
    # A figure changed after sealing no longer matches the seal.
    ReaderCheck.objects.filter(box=open_box_).update(spot_differences=0)
    report = verify_box(box=open_box_)
    assert not report.ok
    assert any("scan_checks" in problem for problem in report.problems)


def test_the_minutes_say_when_no_scanned_sheet_was_checked(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    set_spot_check(actor=None, box=open_box_, percent=0)
    _clear_copy(as_counter, open_box_, layout, pages)
    seal = _sealed(open_box_)
    assert seal.counts["ballots_scanned"] == 1 and seal.counts["scan_checks"] == {}
    text = " ".join(" ".join(pdf_pages(documents.counting_minutes_pdf(seal))).split())
    assert "3. Kiểm tra máy đọc phiếu quét" in text
    assert "Không có tờ phiếu quét nào được chọn ngẫu nhiên" in text
    assert "cũng có thể bị đọc sai" not in text
    assert verify_box(box=open_box_).ok


def test_a_seal_made_before_seals_recorded_the_checks_claims_none(
    as_counter: Client, open_box_: BallotBox, layout: BallotLayout, pages: list[np.ndarray]
) -> None:
    set_spot_check(actor=None, box=open_box_, percent=0)
    _clear_copy(as_counter, open_box_, layout, pages)
    seal = _sealed(open_box_)
    older = {key: value for key, value in seal.counts.items() if key != "scan_checks"}
    Seal.objects.filter(pk=seal.pk).update(counts=older)
    seal.refresh_from_db()
    text = " ".join(" ".join(pdf_pages(documents.counting_minutes_pdf(seal))).split())
    assert "Kiểm tra máy đọc phiếu quét" not in text
    assert "3. Đối chiếu số liệu (tính theo người)" in text
    page = Client().get(f"/bulletin/{open_box_.pk}/").content.decode()
    assert "kiểm tra ngẫu nhiên với phiếu giấy" not in page
