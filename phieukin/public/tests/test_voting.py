"""The voting flow without JavaScript, through Django's test client."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from phieukin.ballots import codes as codes_mod
from phieukin.ballots import services
from phieukin.ballots.models import Ballot, Receipt
from phieukin.ballots.services import shapes_for
from phieukin.core.logging import RedactSecretsFilter
from phieukin.rounds.models import BallotBox


def _answers(box: BallotBox, option: str = "kha", comment: str = "") -> dict[str, str]:
    data: dict[str, str] = {}
    for subject in box.conference.subjects.all():
        for shape in shapes_for(box):
            data[f"a-{subject.pk}-{shape.key}"] = option
        data[f"c-{subject.pk}"] = comment
    return data


def test_a_respondent_votes_with_plain_form_posts(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    url = f"/v/{open_box_.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    typed = box_codes[0].lower().replace("-", " ")
    sheet_page = client.post(url, {"step": "code", "code": typed})
    body = sheet_page.content.decode()
    assert sheet_page.status_code == 200
    assert all(s.name in body for s in open_box_.conference.subjects.all())
    assert "ít nhất 5 phiếu" in body  # the round's anonymity rules are shown
    review = client.post(
        url, {"step": "review", "code": box_codes[0], **_answers(open_box_, comment="Rất tốt")}
    )
    assert review.status_code == 200 and "Khá" in review.content.decode()
    assert not Ballot.objects.exists()  # nothing stored before the respondent sends
    done = client.post(
        url, {"step": "submit", "code": box_codes[0], **_answers(open_box_, comment="Rất tốt")}
    )
    assert done.status_code == 201
    receipts = list(Receipt.objects.values_list("value", flat=True))
    assert receipts and all(r in done.content.decode() for r in receipts)
    # Stored encrypted while the box is open; readable once the committee seals it.
    assert set(Ballot.objects.values_list("comment", flat=True)) == {""}
    assert done["Cache-Control"].startswith("max-age=0")
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    assert set(Ballot.objects.values_list("comment", flat=True)) == {"Rất tốt"}


def test_the_code_in_the_qr_url_opens_the_ballot(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    page = client.get(f"/v/{open_box_.pk}/{box_codes[0]}/")
    assert page.status_code == 200
    assert 'name="step" value="review"' in page.content.decode()


@pytest.mark.parametrize(
    ("make", "status", "words"),
    [
        (lambda c: c[:-1] + ("0" if c[-1] != "0" else "1"), 400, "Mã không hợp lệ, kiểm tra lại"),
        (lambda c: "ABC", 400, "Mã không hợp lệ"),
        (lambda c: codes_mod.display(codes_mod.generate()), 404, "không tồn tại"),
    ],
)
def test_wrong_codes_get_clear_vietnamese_errors(
    client: Client, open_box_: BallotBox, box_codes: list[str], make: Any, status: int, words: str
) -> None:
    response = client.post(f"/v/{open_box_.pk}/", {"step": "code", "code": make(box_codes[0])})
    assert response.status_code == status
    assert words in response.content.decode()


def test_a_used_code_and_a_closed_box_are_explained(
    client: Client, open_box_: BallotBox, box_codes: list[str], sheets: Any
) -> None:
    services.cast_ballot(code=box_codes[0], sheets=sheets())
    used = client.post(f"/v/{open_box_.pk}/", {"step": "code", "code": box_codes[0]})
    assert used.status_code == 409 and "đã được sử dụng" in used.content.decode()
    services.close_box(actor=None, box=open_box_)
    closed = client.post(f"/v/{open_box_.pk}/", {"step": "code", "code": box_codes[1]})
    assert closed.status_code == 409 and "không mở" in closed.content.decode()


def test_a_code_of_another_box_is_unknown_here(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    other = BallotBox.objects.exclude(pk=open_box_.pk).first()
    assert other is not None
    response = client.post(f"/v/{other.pk}/", {"step": "code", "code": box_codes[0]})
    assert response.status_code == 404


def test_an_incomplete_sheet_is_sent_back_with_the_answers_kept(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    data = _answers(open_box_)
    data.pop(next(iter(data)))
    response = client.post(f"/v/{open_box_.pk}/", {"step": "submit", "code": box_codes[0], **data})
    assert response.status_code == 400
    assert "còn thiếu" in response.content.decode()
    assert "checked" in response.content.decode()
    assert not Ballot.objects.exists()


def test_the_ballot_page_is_small(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    page = client.post(f"/v/{open_box_.pk}/", {"step": "code", "code": box_codes[0]})
    assert len(page.content) <= 50 * 1024, len(page.content)


def test_a_receipt_can_be_looked_up(
    client: Client, open_box_: BallotBox, box_codes: list[str], sheets: Any
) -> None:
    receipts = services.cast_ballot(code=box_codes[0], sheets=sheets())
    found = client.post("/r/", {"receipt": receipts[0].lower()})
    assert "chưa niêm phong" in found.content.decode()
    missing = client.post("/r/", {"receipt": "0000-0000-0000-0000"})
    assert "Không tìm thấy" in missing.content.decode()


def test_the_voting_url_is_redacted_in_logs(box_codes: list[str], open_box_: BallotBox) -> None:
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET /v/%s/%s/ HTTP/1.1" 200',
        (open_box_.pk, box_codes[0]),
        None,
    )
    RedactSecretsFilter().filter(record)
    assert box_codes[0] not in record.getMessage()
    assert str(open_box_.pk) not in record.getMessage().replace("HTTP/1.1", "")


def test_the_public_bulletin_shows_digest_counts_and_receipts_after_sealing(
    client: Client, open_box_: BallotBox, box_codes: list[str], sheets: Any
) -> None:
    assert client.get(f"/bulletin/{open_box_.pk}/").status_code == 409
    receipts = services.cast_ballot(code=box_codes[0], sheets=sheets(0, "ý-kiến-riêng-7Q"))
    services.close_box(actor=None, box=open_box_)
    seal = services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    page = client.get(f"/bulletin/{open_box_.pk}/").content.decode()
    assert seal.digest in page
    assert all(r in page for r in receipts)
    assert "ý-kiến-riêng-7Q" not in page
    found = client.post("/r/", {"receipt": receipts[0]}).content.decode()
    assert f"/bulletin/{open_box_.pk}/" in found
