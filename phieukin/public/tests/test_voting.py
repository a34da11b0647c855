"""The voting flow without JavaScript, through Django's test client."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from phieukin.ballots import codes as codes_mod
from phieukin.ballots import services
from phieukin.ballots.models import Ballot, PendingBallot, PendingReceipt
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


class _Form(HTMLParser):
    """Read a page's form as a browser without JavaScript would submit it."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.radios: dict[str, list[str]] = {}
        self.buttons: list[tuple[str, str, str]] = []
        self._button: tuple[str, str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a["value"])
            if "checked" in a:
                self.fields.append((a["name"], a["value"]))
        elif tag == "input" and a.get("type") == "hidden":
            self.fields.append((a["name"], a["value"]))
        elif tag == "textarea":
            self.fields.append((a["name"], ""))
        elif tag == "button":
            self._button = (a.get("name", ""), a.get("value", ""))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._button:
            self.buttons.append((*self._button, data.strip()))
            self._button = None

    def submit(self, button: str, choose: str | None = None) -> dict[str, str]:
        """Return the POST data of pressing the button labelled *button*."""
        data = dict(self.fields)
        if choose:
            for name in self.radios:
                data[name] = choose
        name, value = next((n, v) for n, v, label in self.buttons if label == button)
        data[name] = value
        return data


def _form(html: str) -> _Form:
    form = _Form()
    form.feed(html)
    return form


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
    assert "ít nhất 5 phiếu" in body  # the round's anonymity rules are shown
    review = client.post(
        url, {"step": "review", "code": box_codes[0], **_answers(open_box_, comment="Rất tốt")}
    )
    assert review.status_code == 200 and "Khá" in review.content.decode()
    assert not PendingBallot.objects.exists()  # nothing stored before the respondent sends
    done = client.post(
        url, {"step": "submit", "code": box_codes[0], **_answers(open_box_, comment="Rất tốt")}
    )
    assert done.status_code == 201
    receipts = list(PendingReceipt.objects.values_list("value", flat=True))
    assert receipts and all(r in done.content.decode() for r in receipts)
    # Stored encrypted while the box is open; readable once the committee seals it.
    assert set(PendingBallot.objects.values_list("comment", flat=True)) == {""}
    assert done["Cache-Control"].startswith("max-age=0")
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    assert set(Ballot.objects.values_list("comment", flat=True)) == {"Rất tốt"}


def test_the_code_in_the_qr_url_opens_the_ballot(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    page = client.get(f"/v/{open_box_.pk}/{box_codes[0]}/")
    assert page.status_code == 200
    assert 'name="step" value="next"' in page.content.decode()


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
    body = response.content.decode()
    assert "còn thiếu: nội dung 1," in body
    assert "checked" in body
    assert not PendingBallot.objects.exists()


def test_the_ballot_page_is_small(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    page = client.post(f"/v/{open_box_.pk}/", {"step": "code", "code": box_codes[0]})
    assert len(page.content) <= 50 * 1024, len(page.content)


def test_a_receipt_can_be_looked_up(
    client: Client, open_box_: BallotBox, box_codes: list[str], sheets: Any
) -> None:
    receipts = services.cast_ballot(code=box_codes[0], sheets=sheets())
    for typed in (
        receipts[0].lower(),
        receipts[0].replace("-", ""),
        receipts[0].replace("-", " "),
        " " + receipts[0].replace("-", "").lower() + " ",
        receipts[0].replace("1", "l").replace("0", "o"),
    ):
        found = client.post("/r/", {"receipt": typed})
        assert "chưa niêm phong" in found.content.decode(), typed
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


def _cells(marker: str) -> list[str]:
    """Return the tables holding *marker* in any cell (the database as a copy would show)."""
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(marker in str(cell) for row in cursor.fetchall() for cell in row):
                found.append(table)
    return found


def _walk_to_review(client: Client, url: str, code: str, comment: str) -> tuple[str, list[str]]:
    """Answer every screen with "Khá" as a browser without JavaScript; return the review."""
    page = client.post(url, {"step": "code", "code": code}).content.decode()
    steps = []
    while "Gửi phiếu" not in page:
        form = _form(page)
        step = re.search(r"Bước (\d+)/(\d+)", page)
        assert step is not None
        steps.append(step.group(0))
        data = form.submit(
            "Xem lại phiếu" if "Xem lại phiếu" in [b[2] for b in form.buttons] else "Tiếp theo",
            choose="kha",
        )
        for name in data:
            if name.startswith("c-"):
                data[name] = data[name] or (comment if f'name="{name}"' in page else "")
        response = client.post(url, data)
        assert response.status_code == 200, response.content.decode()
        page = response.content.decode()
    return page, steps


def test_the_phone_ballot_shows_one_section_per_screen_with_progress_and_a_review(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    url = f"/v/{open_box_.pk}/"
    leaders = list(open_box_.conference.subjects.order_by("order", "pk"))
    first = client.post(url, {"step": "code", "code": box_codes[0]}).content.decode()
    text = " ".join(_form(first).text)
    assert "Bước 1/11" in text and "Phần I" in text
    assert "I. Về tư tưởng chính trị" in text and "II. " not in text
    assert f"Đồng chí {leaders[0].name}" in text and leaders[1].name not in text
    assert "Nội dung 1:" in text and "1. " + leaders[0].name not in text
    assert "đánh dấu X" not in first and "chạm chọn" in first
    assert len(_form(first).radios) < 21  # one section's questions, not the whole form
    review, steps = _walk_to_review(client, url, box_codes[0], "Cần gần dân hơn-8Z")
    assert steps == [f"Bước {n}/11" for n in range(1, 11)]
    # Nothing of the partial ballot was written anywhere before it was sent.
    assert not PendingBallot.objects.exists() and not PendingReceipt.objects.exists()
    assert _cells("Cần gần dân hơn-8Z") == []
    shown = " ".join(_form(review).text)
    assert "Bước 11/11" in shown
    for leader in leaders:
        assert f"Đồng chí {leader.name}" in shown
    assert shown.count("V. Về tự phê bình") == len(leaders)
    assert shown.count("Cần gần dân hơn-8Z") == len(leaders)
    done = client.post(url, _form(review).submit("Gửi phiếu"))
    assert done.status_code == 201
    assert PendingBallot.objects.filter(box=open_box_).count() == len(leaders)


def test_a_screen_with_a_missing_answer_is_shown_again_and_back_keeps_the_answers(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    url = f"/v/{open_box_.pk}/"
    first = _form(client.post(url, {"step": "code", "code": box_codes[0]}).content.decode())
    data = first.submit("Tiếp theo", choose="tot")
    data.pop(next(name for name in data if name.startswith("a-")))
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Bước 1/11" in refused.content.decode()
    assert "còn thiếu: nội dung 1," in refused.content.decode()
    second = _form(client.post(url, first.submit("Tiếp theo", choose="tot")).content.decode())
    assert "Bước 2/11" in " ".join(second.text)
    back = client.post(url, second.submit("Quay lại")).content.decode()
    assert "Bước 1/11" in back
    assert 'value="tot" checked' in back
    assert back.count("checked") == len(first.radios)


def test_the_review_sends_the_respondent_back_to_a_part_to_change_it(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    url = f"/v/{open_box_.pk}/"
    review, _steps = _walk_to_review(client, url, box_codes[0], "")
    form = _form(review)
    change = client.post(url, form.submit("Sửa phần III")).content.decode()
    assert "Bước 3/11" in change and "III. " in change
    assert change.count("checked") == len(_form(change).radios)


def test_receipts_are_labelled_per_leader_with_copy_help(
    client: Client, open_box_: BallotBox, box_codes: list[str]
) -> None:
    url = f"/v/{open_box_.pk}/"
    review, _steps = _walk_to_review(client, url, box_codes[0], "")
    done = client.post(url, _form(review).submit("Gửi phiếu")).content.decode()
    for leader in open_box_.conference.subjects.all():
        assert f"Biên nhận phiếu góp ý về đồng chí {leader.name}" in done
    for receipt in PendingReceipt.objects.values_list("value", flat=True):
        assert f'<span class="rc select">{receipt}</span>' in done
    assert "receipt_copy.js" in done and "<script>" not in done
    assert "chụp ảnh màn hình" in done


def test_the_bulletin_speaks_plainly_and_folds_the_technical_details_away(
    client: Client, open_box_: BallotBox, box_codes: list[str], sheets: Any
) -> None:
    services.cast_ballot(code=box_codes[0], sheets=sheets())
    services.close_box(actor=None, box=open_box_)
    services.seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    page = client.get(f"/bulletin/{open_box_.pk}/").content.decode()
    folded = page.index("<details>")
    assert "đã được Tổ kiểm phiếu niêm phong" in page[:folded]
    assert "Cách kiểm tra phiếu của đồng chí" in page[:folded]
    for word in ("Merkle", "Định dạng niêm phong", "SHA-256", "phieukin-seal"):
        assert word not in page[:folded] and word in page[folded:], word
