"""The JavaScript enhancements in headless Chromium: live entry display, batch progress."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cv2
import numpy as np
import pytest
from django.conf import settings
from django.test import Client

from phieukin.accounts.models import User
from phieukin.ballots.models import PendingBallot
from phieukin.ballots.sheet import ItemShape
from phieukin.paper.corpus import deck as synth
from phieukin.paper.layout import build_layout
from phieukin.paper.services import Upload, print_ballots, upload_scans
from phieukin.questionnaires.selectors import questionnaire_spec
from phieukin.rounds.models import BallotBox

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


def test_the_batch_page_reads_itself_to_the_end(
    page: Any, live_server: Any, open_box_: BallotBox
) -> None:
    layout = build_layout(questionnaire_spec(open_box_.conference.round.questionnaire))
    images = synth.render_images(print_ballots(actor=None, box=open_box_, copies=1), 150)
    rng = np.random.default_rng(5)
    uploads = []
    for n in (1, 2):
        truth = {it.key: synth.Truth("fill", 1, (1,)) for it in layout.page(n).items}
        marked = synth.ink_page(images[n - 1], layout.page(n), truth, 150, rng)
        uploads.append(Upload(f"p{n}.png", bytes(cv2.imencode(".png", marked)[1].tobytes())))
    batch = upload_scans(actor=None, box=open_box_, files=uploads)
    page.goto(f"{live_server.url}/paper/boxes/{open_box_.pk}/scans/{batch.pk}/")
    page.wait_for_selector("text=Đã đọc hết các trang.", timeout=30000)
    assert PendingBallot.objects.filter(box=open_box_, source="scanned").count() == 1
