"""End-to-end voting on a phone-size screen in headless Chromium (Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phieukin.ballots.models import Ballot, Receipt
from phieukin.rounds.models import BallotBox

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium: Any, live_server: Any) -> Iterator[Any]:
    """Return a Chromium page the size of a phone."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    yield context.new_page()
    context.close()


def test_a_respondent_votes_on_a_phone(
    phone: Any, live_server: Any, open_box_: BallotBox, box_codes: list[str]
) -> None:
    phone.goto(f"{live_server.url}/v/{open_box_.pk}/")
    phone.fill("#code", box_codes[0].lower().replace("-", " "))
    phone.get_by_role("button", name="Tiếp tục").click()
    radios = phone.locator('input[type="radio"][value="kha"]')
    total = radios.count()
    assert total == open_box_.conference.subjects.count() * 21
    assert phone.locator("#progress").inner_text() == f"Đã trả lời 0/{total} nội dung"
    for index in range(total):
        radios.nth(index).check()
    assert phone.locator("#progress").inner_text() == f"Đã trả lời {total}/{total} nội dung"
    phone.locator("textarea").first.fill("Đồng chí cần gần dân hơn.")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "vote-phone-ballot.png"))
    phone.get_by_role("button", name="Xem lại phiếu").click()
    assert "Đồng chí cần gần dân hơn." in phone.content()
    phone.get_by_role("button", name="Gửi phiếu").click()
    phone.wait_for_selector("li.rc")
    shown = phone.locator("li.rc").all_inner_texts()
    phone.screenshot(path=str(ARTIFACTS / "vote-phone-receipts.png"), full_page=True)
    assert set(shown) == set(Receipt.objects.values_list("value", flat=True))
    assert Ballot.objects.filter(box=open_box_).count() == len(shown)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone's screen


def test_the_qr_link_opens_the_ballot_without_the_code_reaching_the_server(
    phone: Any, live_server: Any, open_box_: BallotBox, box_codes: list[str], settings: Any
) -> None:
    from phieukin.ballots.documents import voting_url

    settings.PHIEUKIN_PUBLIC_URL = live_server.url
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    phone.goto(voting_url(open_box_, box_codes[0]))
    phone.wait_for_selector('input[type="radio"]')
    assert phone.locator('input[type="radio"][value="kha"]').count() > 0
    assert "#" not in phone.url  # the code is gone from the address bar
    compact = box_codes[0].replace("-", "")
    assert requested and not any(compact in url for url in requested)
