"""The back office in headless Chromium: real sign-in, htmx live counts, a phone-sized screen."""

from __future__ import annotations

from typing import Any

import pytest

from phieukin.accounts.models import User
from phieukin.ballots.services import SheetInput, cast_ballot, generate_codes, open_box
from phieukin.questionnaires.shapes import item_shapes
from phieukin.rounds.models import BallotBox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser(chromium: Any) -> Any:
    """Return the shared headless Chromium."""
    return chromium


def _sign_in(browser: Any, live_server: Any, user: User, width: int = 1280) -> Any:
    user.set_password("mật-khẩu-thử")
    user.save(update_fields=["password"])
    page = browser.new_context(viewport={"width": width, "height": 800}).new_page()
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", user.username)
    page.fill("#id_password", "mật-khẩu-thử")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_the_live_table_refreshes_in_place_with_htmx(
    browser: Any, live_server: Any, ward_organiser: User, box: BallotBox
) -> None:
    open_box(actor=None, box=box)
    page = _sign_in(browser, live_server, ward_organiser)
    assert page.locator("h1").inner_text() == "Tổng quan"
    assert page.evaluate("typeof window.htmx") == "object"
    table = page.locator(f"#live-{box.conference.round_id}")
    assert table.get_attribute("hx-trigger") == "every 15s"
    assert table.locator("tbody td").nth(6).inner_text() == "0"

    code = generate_codes(actor=None, box=box, count=1)[0]
    answers: dict[str, str | None] = {
        s.key: "tot" for s in item_shapes(box.conference.round.questionnaire)
    }
    cast_ballot(
        code=code,
        sheets=[
            SheetInput(subject_id=s.pk, answers=answers) for s in box.conference.subjects.all()
        ],
    )
    # What the 15-second timer does, without waiting for it.
    page.evaluate(
        "id => htmx.trigger(document.getElementById(id), 'every 15s')",
        f"live-{box.conference.round_id}",
    )
    page.evaluate(
        "([url, id]) => htmx.ajax('GET', url, {target: '#' + id, swap: 'outerHTML'})",
        [f"/rounds/{box.conference.round_id}/live/", f"live-{box.conference.round_id}"],
    )
    page.wait_for_function(
        "id => document.querySelector('#' + id + ' tbody td:nth-child(7)').innerText === '2'",
        arg=f"live-{box.conference.round_id}",
    )
    assert page.locator(f"#live-{box.conference.round_id} tbody td").nth(5).inner_text() == "1 / 1"


def test_pages_fit_a_phone_screen(
    browser: Any, live_server: Any, district_organiser: User, open_round_: Any
) -> None:
    page = _sign_in(browser, live_server, district_organiser, width=360)
    conference = open_round_.conferences.first()
    paths = [
        "/",
        "/rounds/",
        f"/rounds/{open_round_.pk}/",
        f"/rounds/conferences/{conference.pk}/",
        "/rounds/new/",
        "/units/",
        "/units/leaders/",
        "/questionnaires/",
        f"/questionnaires/{open_round_.questionnaire_id}/",
        "/questionnaires/upload/",
        "/audit/",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
