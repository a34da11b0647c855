"""Each role walks its part of a round in headless Chromium, as a person would.

The office works at 1366×768, respondents and leaders on a phone (390×844); one voter
has JavaScript switched off. Every step asserts what the person sees and leaves a
screenshot under ``var/screenshots/`` (named in the README, kept by CI as an artefact,
never committed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from phieukin.accounts.models import User
from phieukin.ballots.models import PendingBallot, PendingReceipt, Seal
from phieukin.ballots.services import generate_codes, open_box
from phieukin.reports.tests.conftest import fill_round
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.rounds.services import publish_round
from phieukin.testing.boxes import kept_shares
from phieukin.testing.fixtures import complete_second_factor
from phieukin.testing.screens import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PASSWORD = "mật-khẩu-thử-vai"


@pytest.fixture
def contexts(chromium: Any) -> Iterator[list[Any]]:
    """Collect the browser contexts a test opens and close them afterwards."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def _page(chromium: Any, contexts: list[Any], viewport: dict[str, int], **options: Any) -> Any:
    context = chromium.new_context(viewport=viewport, locale="vi-VN", **options)
    contexts.append(context)
    return context.new_page()


def _sign_in(page: Any, live_server: Any, user: User) -> Any:
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stack button[type=submit]")
    complete_second_factor(page)
    return page


def _text(page: Any) -> str:
    return str(page.locator("main").inner_text())


def test_the_ward_office_opens_its_box_after_confirming_and_adds_a_committee_member(
    chromium: Any, contexts: list[Any], live_server: Any, ward_organiser: User, box: BallotBox
) -> None:
    page = _sign_in(_page(chromium, contexts, OFFICE), live_server, ward_organiser)
    page.goto(f"{live_server.url}/ballots/{box.pk}/")
    text = _text(page)
    assert "Ai làm việc gì ở hòm phiếu này" in text
    assert "Văn phòng Đảng ủy phường" in text
    assert page.locator(f"form[action='/ballots/{box.pk}/codes/']").count() == 1
    screenshot(page, "ward-organiser-1-box-prepared")

    opening = page.locator(f"form[action='/ballots/{box.pk}/open/']")
    opening.locator("button[type=submit]").click()  # not ticked: the browser stops it
    box.refresh_from_db()
    assert box.state == "prepared"
    opening.locator("input[name=confirm]").check()
    opening.locator("button[type=submit]").click()
    page.wait_for_load_state()
    box.refresh_from_db()
    assert box.state == "open"
    shares = re.findall(r"\b(?:[0-9A-Z]{5}-){6}[0-9A-Z]{5}\b", page.content())
    assert len(set(shares)) >= 3
    screenshot(page, "ward-organiser-2-box-opened")

    # Once open, codes and attendance are the committee's: the office is not shown them.
    page.goto(f"{live_server.url}/ballots/{box.pk}/")
    assert page.locator(f"form[action='/ballots/{box.pk}/codes/']").count() == 0
    assert page.locator(f"form[action='/ballots/{box.pk}/attendance/']").count() == 0

    page.goto(f"{live_server.url}/accounts/committee/")
    page.fill("#id_full_name", "Nguyễn Thị Lan")
    page.fill("#id_username", "kp.lan")
    page.click("main form.stack button[type=submit]")
    page.wait_for_load_state()
    assert "Đã tạo tài khoản" in _text(page)
    assert "chỉ hiển thị một lần" in _text(page)
    assert User.objects.get(username="kp.lan").must_change_password
    screenshot(page, "ward-organiser-3-committee-member-added")


def test_the_counter_types_takes_back_closes_and_seals_with_confirmations(
    chromium: Any, contexts: list[Any], live_server: Any, counter: User, box: BallotBox
) -> None:
    page = _sign_in(_page(chromium, contexts, OFFICE), live_server, counter)
    open_box(actor=None, box=box)
    page.goto(f"{live_server.url}/ballots/{box.pk}/")
    # Once the box is open, extra codes are the committee's (four eyes): its form is here.
    assert page.locator(f"form[action='/ballots/{box.pk}/codes/']").count() == 1
    assert "Tổ kiểm phiếu" in _text(page)
    screenshot(page, "counter-1-box-open")
    page.goto(f"{live_server.url}/paper/boxes/{box.pk}/entry/")
    digits = page.locator("table#entry-items tbody tr").count()
    page.fill("input[name=keys]", "1" * digits)
    page.press("input[name=keys]", "Enter")
    page.wait_for_load_state()
    assert "Phiếu đã vào hòm phiếu." in _text(page)
    assert PendingBallot.objects.filter(box=box).count() == 1
    page.click("text=Rút lại phiếu vừa nhập")
    assert "không thể hoàn tác" in _text(page)
    screenshot(page, "counter-2-take-back-confirmation")
    page.locator("main form").first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "xin nhập lại phiếu" in _text(page)
    assert not PendingBallot.objects.filter(box=box).exists()
    page.fill("input[name=keys]", "2" * digits)
    page.press("input[name=keys]", "Enter")
    page.wait_for_load_state()
    assert PendingBallot.objects.filter(box=box).count() == 1

    page.goto(f"{live_server.url}/ballots/{box.pk}/")
    closing = page.locator(f"form[action='/ballots/{box.pk}/close/']")
    closing.locator("input[name=confirm]").check()
    closing.locator("button[type=submit]").click()
    page.wait_for_load_state()
    box.refresh_from_db()
    assert box.state == "closed"

    sealing = page.locator(f"form[action='/ballots/{box.pk}/seal/']")
    for index, share in enumerate(kept_shares(box)[:2], start=1):
        sealing.locator(f"#share-{index}").fill(share)
    acknowledge = sealing.locator("input[name=acknowledge]")
    if acknowledge.count():
        acknowledge.check()
    sealing.locator("input[name=confirm]").check()
    screenshot(page, "counter-3-ready-to-seal")
    sealing.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert Seal.objects.filter(box=box).exists()
    assert "Biên bản kiểm phiếu" in _text(page) or "biên bản" in _text(page).lower()
    screenshot(page, "counter-4-sealed")


def _vote(page: Any, live_server: Any, box: BallotBox, code: str) -> list[str]:
    page.goto(f"{live_server.url}/v/{box.pk}/")
    page.fill("#code", code)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_load_state()
    forward = re.compile("^(Gửi phiếu|Tiếp theo|Xem lại phiếu)$")
    for _step in range(40):
        if page.locator(".rc.select").count():
            break
        for radio in page.locator('input[type="radio"][value="kha"]').all():
            radio.check()
        buttons = page.get_by_role("button", name=forward)
        assert buttons.count(), _text(page)[:500]
        buttons.last.click()
        page.wait_for_load_state()
    return [str(t) for t in page.locator(".rc.select").all_inner_texts()]


def test_a_voter_on_a_phone_without_javascript_votes_and_gets_receipts(
    chromium: Any, contexts: list[Any], live_server: Any, box: BallotBox
) -> None:
    opened = open_box(actor=None, box=box).box
    code = generate_codes(actor=None, box=opened, count=1)[0]
    page = _page(
        chromium,
        contexts,
        PHONE,
        java_script_enabled=False,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    receipts = _vote(page, live_server, opened, code)
    screenshot(page, "voter-phone-no-js-receipts")
    leaders = Subject.objects.filter(conference=opened.conference).count()
    assert len(receipts) == PendingReceipt.objects.filter(box=opened).count() >= 1
    assert PendingBallot.objects.filter(box=opened).count() == leaders
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_leader_reads_their_own_published_report_on_a_phone(
    chromium: Any, contexts: list[Any], live_server: Any, leader: User, open_round_: Round
) -> None:
    fill_round(open_round_)
    publish_round(actor=None, round=open_round_)
    assert leader.person_id is not None
    own = Subject.objects.get(conference__round=open_round_, person_id=leader.person_id)
    page = _sign_in(_page(chromium, contexts, PHONE, is_mobile=True), live_server, leader)
    page.goto(f"{live_server.url}/reports/{open_round_.pk}/")
    screenshot(page, "leader-1-round")
    page.goto(f"{live_server.url}/reports/{open_round_.pk}/leaders/{own.pk}/")
    text = _text(page)
    assert own.name in text
    others = Subject.objects.filter(conference__round=open_round_).exclude(pk=own.pk)
    assert not any(other.name in text for other in others if other.name != own.name)
    screenshot(page, "leader-2-own-report")


def test_the_standing_committee_reads_the_summary_of_every_ward(
    chromium: Any, contexts: list[Any], live_server: Any, standing: User, open_round_: Round
) -> None:
    fill_round(open_round_)
    publish_round(actor=None, round=open_round_)
    page = _sign_in(_page(chromium, contexts, OFFICE), live_server, standing)
    page.goto(f"{live_server.url}/reports/{open_round_.pk}/")
    text = _text(page)
    for box in BallotBox.objects.filter(conference__round=open_round_):
        assert box.conference.unit.name in text
    page.goto(f"{live_server.url}/rounds/{open_round_.pk}/")
    # Reading only: no lifecycle button and no confirmation box is offered.
    assert page.locator("input[name=confirm]").count() == 0
    screenshot(page, "standing-committee-summary")


def test_the_district_organiser_opens_and_publishes_the_round_after_confirming(
    chromium: Any,
    contexts: list[Any],
    live_server: Any,
    district_organiser: User,
    draft_round: Round,
) -> None:
    page = _sign_in(_page(chromium, contexts, OFFICE), live_server, district_organiser)
    page.goto(f"{live_server.url}/rounds/{draft_round.pk}/")
    screenshot(page, "district-organiser-1-draft-round")
    form = page.locator(f"form[action='/rounds/{draft_round.pk}/open/']")
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    draft_round.refresh_from_db()
    assert draft_round.state == "open"
    assert "Đã mở" in _text(page)

    fill_round(draft_round)  # the wards vote, count and seal
    page.goto(f"{live_server.url}/rounds/{draft_round.pk}/")
    publish = page.locator(f"form[action='/rounds/{draft_round.pk}/publish/']")
    assert "không thể thu hồi" in publish.inner_text()
    publish.locator("input[name=confirm]").check()
    screenshot(page, "district-organiser-2-publish-confirmation")
    publish.locator("button[type=submit]").click()
    page.wait_for_load_state()
    draft_round.refresh_from_db()
    assert draft_round.state == "published"
    screenshot(page, "district-organiser-3-published")
