"""The JavaScript enhancements in headless Chromium: live entry display, batch progress,
review from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.ballots.models import PendingBallot
from phieukin.ballots.sheet import ItemShape, decode
from phieukin.paper.corpus import deck as synth
from phieukin.paper.layout import build_layout
from phieukin.paper.models import PendingReading, ReaderCheck, ScanBatch
from phieukin.paper.services import Upload, print_ballots, set_spot_check, upload_scans
from phieukin.paper.tests.helpers import content_of
from phieukin.questionnaires.selectors import questionnaire_spec
from phieukin.rounds.models import BallotBox
from phieukin.testing.screens import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(chromium: Any, live_server: Any, counter: User) -> Iterator[Any]:
    """Return a Chromium page signed in as the counter."""
    client = Client()
    client.force_login(counter)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = chromium.new_context(locale="vi-VN")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    yield context.new_page()
    context.close()


def test_typing_shows_each_item_live_and_enter_saves_the_ballot(
    page: Any, live_server: Any, open_box_: BallotBox, shapes: list[ItemShape]
) -> None:
    page.goto(f"{live_server.url}/paper/boxes/{open_box_.pk}/entry/")
    keys = page.locator("input.keys")
    keys.press_sequentially("12")
    live = page.locator("#keys-live")
    assert live.inner_text().startswith(f"3/{len(shapes)}: 3.")
    assert page.locator('#entry-items tr[data-item="0"] .typed').inner_text() == "Tốt"
    assert page.locator('#entry-items tr[data-item="1"] .typed').inner_text() == "Khá"
    keys.press_sequentially("a")  # a letter never reaches the field
    assert keys.input_value() == "12"
    keys.press_sequentially("3" * (len(shapes) - 2))
    assert "Enter" in live.inner_text()
    keys.press("Enter")
    page.wait_for_url("**/entry/?subject=*")
    assert "Phiếu đã vào hòm phiếu." in page.content()
    assert PendingBallot.objects.filter(box=open_box_).count() == 1


def _upload_copy(
    box: BallotBox,
    seed: int,
    doubtful: frozenset[str] = frozenset(),
    blank: frozenset[str] = frozenset(),
) -> ScanBatch:
    """Upload one printed copy of *box*, option 2 filled on every item, two boxes marked
    on the *doubtful* items (the reader leaves those to a person) and none on the *blank*
    ones; return its batch."""
    layout = build_layout(questionnaire_spec(box.conference.round.questionnaire))
    images = synth.render_images(print_ballots(actor=None, box=box, copies=1), 150)
    rng = np.random.default_rng(seed)
    uploads = []
    for n in (1, 2):
        truth = {
            it.key: synth.Truth("double", None, (0, 2))
            if it.key in doubtful
            else synth.Truth("blank", None, ())
            if it.key in blank
            else synth.Truth("fill", 1, (1,))
            for it in layout.page(n).items
        }
        marked = synth.ink_page(images[n - 1], layout.page(n), truth, 150, rng)
        uploads.append(Upload(f"p{n}.png", bytes(cv2.imencode(".png", marked)[1].tobytes())))
    return upload_scans(actor=None, box=box, files=uploads)


def _read_to_the_end(counter: User, box: BallotBox, batch: ScanBatch) -> PendingReading:
    """Read the batch as the counter, step by step; return the copy left waiting."""
    client = Client()
    client.force_login(counter)
    step = reverse("paper:batch_step", args=[box.pk, batch.pk])
    while not ScanBatch.objects.get(pk=batch.pk).done:
        assert client.post(step, HTTP_HX_REQUEST="true").status_code == 200
    return PendingReading.objects.get(box=box)


def test_the_batch_page_reads_itself_to_the_end(
    page: Any, live_server: Any, open_box_: BallotBox
) -> None:
    batch = _upload_copy(open_box_, 5)
    page.goto(f"{live_server.url}/paper/boxes/{open_box_.pk}/scans/{batch.pk}/")
    page.wait_for_selector("text=Đã đọc hết các trang.", timeout=30000)
    assert PendingBallot.objects.filter(box=open_box_, source="scanned").count() == 1


def _selection(page: Any) -> list[int]:
    return list(
        page.evaluate(
            "() => [document.activeElement.selectionStart, document.activeElement.selectionEnd]"
        )
    )


def test_review_types_the_doubts_one_after_the_other_and_shows_each_digit_on_the_page(
    page: Any, live_server: Any, open_box_: BallotBox, counter: User, shapes: list[ItemShape]
) -> None:
    layout = build_layout(questionnaire_spec(open_box_.conference.round.questionnaire))
    # Two marks on one item of each page: the reader leaves both to a person ("?").
    doubtful = frozenset({layout.page(1).items[1].key, layout.page(2).items[0].key})
    reading = _read_to_the_end(counter, open_box_, _upload_copy(open_box_, 7, doubtful))
    page.goto(f"{live_server.url}/paper/boxes/{open_box_.pk}/review/{reading.pk}/")

    keys = page.locator("input.keys")
    read = keys.input_value()
    assert read.count("?") == 2 and len(read) == len(shapes)
    first, second = read.index("?"), read.rindex("?")
    # On arrival the first doubt is selected, its item framed and described.
    assert _selection(page) == [first, first + 1]
    live = page.locator("#keys-live")
    assert live.inner_text().startswith(f"{first + 1}/{len(shapes)}. ")
    assert "Tốt" in live.inner_text() and "(?): 2" in live.inner_text()
    assert page.locator(f'rect.row.current[data-key="{shapes[first].key}"]').count() == 1
    assert page.locator("#review-keys-help").is_visible()
    # A digit typed over it decides it and moves on to the next doubt.
    keys.press("3")
    assert keys.input_value()[first] == "3"
    assert _selection(page) == [second, second + 1]
    label = page.locator(f'text[data-key="{shapes[first].key}"]')
    assert label.text_content() == "3" and "changed" in (label.get_attribute("class") or "")
    assert page.locator(f'rect.row.current[data-key="{shapes[second].key}"]').count() == 1
    keys.press("0")
    decided = keys.input_value()
    assert "?" not in decided
    # "*" declares the sheet invalid, as in keyboard entry; Backspace brings the digits back.
    keys.press("*")
    assert keys.input_value() == "*"
    assert live.inner_text().startswith("Phiếu không hợp lệ")
    keys.press("Backspace")
    assert keys.input_value() == decided
    assert live.inner_text() == "Mọi nội dung đã có chữ số: nhấn Enter để đưa phiếu vào hòm phiếu."
    # The live region is rewritten only when it says something new (a screen reader would
    # repeat it at every key otherwise): moving the cursor leaves it alone.
    page.evaluate(
        """() => { window.liveChanges = 0; new MutationObserver(() => window.liveChanges++)
        .observe(document.getElementById("keys-live"),
                 {childList: true, characterData: true, subtree: true}); }"""
    )
    keys.press("End")
    keys.press("ArrowLeft")
    assert page.evaluate("() => window.liveChanges") == 0
    # A digit the reader got right can be typed over too; the length never changes and a
    # letter never reaches the field.
    keys.press("Home")
    keys.press("4")
    keys.press("x")
    typed = keys.input_value()
    assert len(typed) == len(shapes) and typed[0] == "4"
    assert page.locator(f'text[data-key="{shapes[0].key}"]').text_content() == "4"
    keys.press("Enter")
    page.wait_for_url("**/review/")
    answers = decode(shapes, content_of(PendingBallot.objects.get(box=open_box_)).answers)
    for shape, char in zip(shapes, typed, strict=True):
        assert answers[shape.key] == (None if char == "0" else shape.option_keys[int(char) - 1])
    assert not PendingReading.objects.exists()


def test_faint_marks_are_brought_out_in_place_and_the_digits_typed_stay(
    page: Any, live_server: Any, open_box_: BallotBox, counter: User
) -> None:
    layout = build_layout(questionnaire_spec(open_box_.conference.round.questionnaire))
    doubtful = frozenset({layout.page(1).items[1].key})
    # A row left blank: on this copy a person checks, it is asked too, with its image.
    blank = frozenset({layout.page(2).items[0].key})
    reading = _read_to_the_end(counter, open_box_, _upload_copy(open_box_, 9, doubtful, blank))
    review = f"/paper/boxes/{open_box_.pk}/review/{reading.pk}/"
    page.goto(live_server.url + review)
    keys = page.locator("input.keys")
    keys.press("3")  # the doubt decided before looking closer
    typed = keys.input_value()
    toggle = page.locator("#faint-toggle")
    assert toggle.inner_text() == "Làm rõ dấu mờ"
    # The two whole pages, then the images of the two rows to decide.
    images = page.locator("img[data-page-url]")

    def loaded() -> list[str]:
        page.wait_for_function(
            "() => [...document.querySelectorAll('img[data-page-url]')]"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
        return [images.nth(n).get_attribute("src") or "" for n in range(images.count())]

    assert [".png" in src for src in loaded()] == [False, False, True, True]
    toggle.click()
    assert all(src.endswith("?faint=1") for src in loaded()) and images.count() == 4
    assert toggle.inner_text() == "Xem trang như bản quét"
    assert page.url == live_server.url + review + "?faint=1"  # what the form posts to
    assert keys.input_value() == typed  # nothing typed is lost
    assert page.evaluate("() => document.activeElement.classList.contains('keys')")
    screenshot(page, "counter-review-faint-marks")
    toggle.click()
    assert not any("faint" in src for src in loaded())
    assert toggle.inner_text() == "Làm rõ dấu mờ" and page.url == live_server.url + review
    assert keys.input_value() == typed


def test_a_blind_check_is_typed_digit_after_digit_from_the_paper(
    page: Any, live_server: Any, open_box_: BallotBox, counter: User, shapes: list[ItemShape]
) -> None:
    set_spot_check(actor=None, box=open_box_, percent=100)
    reading = _read_to_the_end(counter, open_box_, _upload_copy(open_box_, 11))
    assert reading.spot_check
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/paper/boxes/{open_box_.pk}/review/{reading.pk}/")
    assert page.locator("p.notice").is_visible()
    screenshot(page, "counter-blind-check-1-review")
    keys = page.locator("input.keys")
    assert keys.input_value() == "?" * len(shapes)
    assert _selection(page) == [0, 1]
    # Every item is typed from the paper, one digit after the other; the reader read "2"
    # everywhere, the member reads "3" on the last item.
    keys.press_sequentially("2" * (len(shapes) - 1) + "3")
    assert keys.input_value() == "2" * (len(shapes) - 1) + "3"
    live = page.locator("#keys-live")
    assert live.inner_text() == "Mọi nội dung đã có chữ số: nhấn Enter để đưa phiếu vào hòm phiếu."
    keys.press("Enter")
    page.wait_for_url("**/review/")
    answers = decode(shapes, content_of(PendingBallot.objects.get(box=open_box_)).answers)
    assert answers[shapes[-1].key] == shapes[-1].option_keys[2]
    assert answers[shapes[0].key] == shapes[0].option_keys[1]
    check = ReaderCheck.objects.get(box=open_box_)
    assert (check.spot_copies, check.spot_items, check.spot_differences) == (1, len(shapes), 1)
    page.goto(f"{live_server.url}/paper/boxes/{open_box_.pk}/")
    assert "Trên 1 trong số 1 phiếu quét được kiểm tra ngẫu nhiên" in page.content()
    screenshot(page, "counter-blind-check-2-box-page")
    # The round's page sums the checks of the wards the member reads.
    page.goto(f"{live_server.url}/rounds/{open_box_.conference.round_id}/")
    page.get_by_role("link", name="Kiểm tra máy đọc phiếu quét").click()
    page.wait_for_url("**/reader-checks/")
    assert page.locator("tfoot").inner_text().split()[1:3] == ["1", "1"]  # scanned, checked
    assert "Phiếu giấy khác máy đọc ở 1 trong" in page.locator("p.errorbox").inner_text()
    screenshot(page, "counter-blind-check-3-round-checks")
