"""End-to-end voting on a phone-size screen in headless Chromium (Playwright)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from phieukin.ballots.models import PendingBallot, PendingReceipt
from phieukin.rounds.models import BallotBox

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(chromium: Any, *, javascript: bool) -> Any:
    return chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        java_script_enabled=javascript,
    )


@pytest.fixture
def phone(chromium: Any, live_server: Any) -> Iterator[Any]:
    """Return a Chromium page the size of a phone."""
    context = _phone(chromium, javascript=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(chromium: Any, live_server: Any) -> Iterator[Any]:
    """Return a Chromium page the size of a phone, with JavaScript turned off."""
    context = _phone(chromium, javascript=False)
    yield context.new_page()
    context.close()


def _vote_screen_by_screen(page: Any, *, javascript: bool, name: str) -> list[str]:
    """Answer every screen with "Khá", review and send; return the receipts shown.

    On failure, the page's address and visible text join the error, and its HTML is
    kept under test-artifacts/: a CI log then shows which page the browser was on.
    """
    try:
        return _answer_and_send(page, javascript=javascript, name=name)
    except Exception as error:  # an assertion or Playwright's own error
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            (ARTIFACTS / f"{name}-failed.html").write_text(page.content(), encoding="utf-8")
            seen = f"{page.url}\n{page.locator('body').inner_text(timeout=5000)[:1500]}"
        except Exception as unreadable:  # a crashed or closed page
            seen = f"{page.url} (page unreadable: {str(unreadable).splitlines()[0]})"
        raise AssertionError(f"{error}\n--- the browser was on: {seen}") from error


def _answer_and_send(page: Any, *, javascript: bool, name: str) -> list[str]:
    # Two leaders of five parts each: ten screens, then the review (step 11 of 11).
    # Each step waits for its own header: a click starts a page load, and a check made
    # straight after it can still see the old screen, or none (seen in CI).
    steps = page.locator("header.steps")
    for screen in range(1, 11):
        expect(steps).to_contain_text(f"Bước {screen}/11")
        # The button closes the form: once it shows, every question above it is there.
        onward = page.get_by_role("button", name="Xem lại phiếu" if screen == 10 else "Tiếp theo")
        expect(onward).to_be_visible()
        radios = page.locator('input[type="radio"][value="kha"]')
        if javascript:
            # The counter is written by the page's script once it has run, so wait.
            expect(page.locator("#progress")).to_have_text(re.compile(r"^Đã trả lời 0/"))
        for index in range(radios.count()):
            radios.nth(index).check()
        if page.locator("textarea").count():
            page.locator("textarea").fill("Đồng chí cần gần dân hơn.")
        if screen == 1:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"))
        # Nothing wider than the phone's screen on any step.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        onward.click()
    expect(steps).to_contain_text("Bước 11/11")
    expect(page.get_by_role("button", name="Gửi phiếu")).to_be_visible()
    assert page.locator("main").inner_text().count("Đồng chí cần gần dân hơn.") == 2
    page.screenshot(path=str(ARTIFACTS / f"{name}-review.png"), full_page=True)
    page.get_by_role("button", name="Gửi phiếu").click()
    page.wait_for_selector(".rc.select")
    page.screenshot(path=str(ARTIFACTS / f"{name}-receipts.png"), full_page=True)
    assert page.locator("button.copy").count() == (2 if javascript else 0)
    return [text.strip() for text in page.locator(".rc.select").all_inner_texts()]


def test_a_respondent_votes_on_a_phone(
    phone: Any, live_server: Any, open_box_: BallotBox, box_codes: list[str]
) -> None:
    phone.goto(f"{live_server.url}/v/{open_box_.pk}/")
    phone.fill("#code", box_codes[0].lower().replace("-", " "))
    phone.get_by_role("button", name="Tiếp tục").click()
    shown = _vote_screen_by_screen(phone, javascript=True, name="vote-phone")
    assert set(shown) == set(PendingReceipt.objects.values_list("value", flat=True))
    assert PendingBallot.objects.filter(box=open_box_).count() == len(shown)


def test_a_respondent_votes_on_a_phone_without_javascript(
    phone_without_js: Any, live_server: Any, open_box_: BallotBox, box_codes: list[str]
) -> None:
    phone = phone_without_js
    phone.goto(f"{live_server.url}/v/{open_box_.pk}/")
    phone.fill("#code", box_codes[1])
    phone.get_by_role("button", name="Tiếp tục").click()
    shown = _vote_screen_by_screen(phone, javascript=False, name="vote-phone-nojs")
    assert set(shown) == set(PendingReceipt.objects.values_list("value", flat=True))
    assert PendingBallot.objects.filter(box=open_box_).count() == len(shown)


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
