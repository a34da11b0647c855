"""A citizen scans the poster's QR code on a phone, reads the plan and sends feedback;
the ward office moderates it and the head's answer appears on the public page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phieukin.accounts.models import User
from phieukin.followup import documents, services
from phieukin.followup.models import CitizenFeedback, CultivationPlan
from phieukin.followup.tests.helpers import poster_qr_text

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium: Any, live_server: Any) -> Iterator[Any]:
    """Return a Chromium page the size of a phone (390 × 844)."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(chromium: Any, live_server: Any) -> Iterator[Any]:
    """Return a desktop Chromium page for the ward office."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    yield context.new_page()
    context.close()


def test_a_citizen_gives_feedback_from_the_poster_qr_and_the_office_moderates_it(
    phone: Any,
    desk: Any,
    live_server: Any,
    settings: Any,
    posted_plan: CultivationPlan,
    ward_organiser: User,
    leader: User,
) -> None:
    settings.PHIEUKIN_PUBLIC_URL = live_server.url
    address = poster_qr_text(documents.poster_pdf(posted_plan))
    assert address.startswith(live_server.url)

    phone.goto(address)
    section = phone.locator(f"#ke-hoach-{posted_plan.pk}")
    assert "Tiếp dân định kỳ vào thứ Năm hằng tuần." in section.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    section.locator(f'a[href="/niem-yet/ke-hoach/{posted_plan.pk}/"]').click()
    phone.fill("#id_body", "Đề nghị đồng chí tiếp dân cả sáng thứ Bảy.")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "followup-phone-feedback.png"), full_page=True)
    phone.locator('form button[type="submit"]').click()
    phone.wait_for_selector(".sent")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    feedback = CitizenFeedback.objects.get()
    assert (feedback.state, feedback.name) == ("pending", "")

    desk.goto(f"{live_server.url}/accounts/login/?next=/followup/feedback/")
    desk.fill("#id_username", ward_organiser.username)
    desk.fill("#id_password", "pw-" + ward_organiser.username)
    desk.locator('form.stack button[type="submit"]').click()
    desk.wait_for_selector(f"#feedback-{feedback.pk}")
    assert "tiếp dân cả sáng thứ Bảy" in desk.locator(f"#feedback-{feedback.pk}").inner_text()
    desk.locator(f'#feedback-{feedback.pk} button[value="publish"]').click()
    desk.wait_for_selector(".messages")
    feedback.refresh_from_db()
    assert feedback.state == "published"

    # Approved but unanswered feedback stays off the public page until the head answers.
    phone.goto(address)
    assert "thứ Bảy" not in phone.content()
    services.answer_feedback(actor=leader, feedback=feedback, answer="Xin tiếp thu, sẽ bố trí.")
    phone.reload()  # same address: goto would only scroll to the fragment
    text = phone.locator(f"#ke-hoach-{posted_plan.pk}").inner_text()
    assert "tiếp dân cả sáng thứ Bảy" in text and "Xin tiếp thu, sẽ bố trí." in text
    phone.screenshot(path=str(ARTIFACTS / "followup-phone-answered.png"), full_page=True)
