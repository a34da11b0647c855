"""Shared fixtures: the Long Biên district, the sample questionnaire, a round, personas.

Personas: ``district_organiser``, ``ward_organiser`` (of the first ward), ``counter``
(first ward), ``leader`` (first ward's Party Secretary), ``standing`` (Standing Committee)
and ``outsider`` (ward organiser of the second ward). ``as_persona(name)`` signs a test
client in as one of them (or as nobody: ``"anonymous"``).

Second factor: every persona is enrolled with :data:`PERSONA_TOTP_KEY_HEX`, and the test
client's ``force_login`` (which skips the password) also marks the session as having
given the second factor, creating a device when the user has none. A test of the sign-in
itself posts to the login page and completes the step with :func:`totp_code` (or, in a
browser, :func:`sign_in_in_browser`).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.test import Client

from phieukin.accounts.models import Membership, Role, User
from phieukin.accounts.services import enrol_known_second_factor
from phieukin.questionnaires import services as questionnaire_services
from phieukin.questionnaires.models import Questionnaire
from phieukin.questionnaires.services import import_default_template
from phieukin.questionnaires.yamlio import QuestionnaireSpec, parse_questionnaire
from phieukin.rounds.models import BallotBox, Round
from phieukin.rounds.services import create_round, open_round
from phieukin.testing.setup import long_bien_with_leaders
from phieukin.units.models import Position, PositionType, Unit, UnitKind

T = TypeVar("T")


def _kept(parse: Callable[[str], T]) -> Callable[[str], T]:
    """Return *parse* (a pure parser) keeping each text's result for the session.

    Each caller gets its own deep copy of the kept result.
    """
    cached = functools.cache(parse)

    def parse_once(text: str) -> T:
        return copy.deepcopy(cached(text))

    return parse_once


_safe_load_once = _kept(yaml.safe_load)


@pytest.fixture
def district(db: Any) -> Unit:
    """Return Quận Long Biên with its 14 wards, each post held by a fictional person.

    The units file is loaded once per session (PyYAML's pure-Python loader, ~0.05 s a
    test, ~1,160 tests); the import itself runs as always. Only this fixture's call
    is served from the kept data: tests of the import load their files for real.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yaml, "safe_load", _safe_load_once)
        return long_bien_with_leaders()


@pytest.fixture
def wards(district: Unit) -> list[Unit]:
    """Return the district's wards in Vietnamese order."""
    return list(district.children.filter(kind=UnitKind.WARD).order_by("sort_key"))


_parse_sample_once: Callable[[str], QuestionnaireSpec] = _kept(parse_questionnaire)


@pytest.fixture
def questionnaire(db: Any) -> Questionnaire:
    """Return the sample 21-item questionnaire, imported by the product's service.

    The import parses the shipped YAML twice with PyYAML's pure-Python loader (~0.17 s a
    test, ~770 tests); here the file is parsed once per session and the rows are
    written through ``import_default_template`` as always. Only this fixture's call is
    served from the kept spec: tests of the import and of uploads parse for real.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(questionnaire_services, "parse_questionnaire", _parse_sample_once)
        return import_default_template(actor=None)


PERSONA_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
PERSONA_BACKUP_CODES = ["backup01", "backup02", "backup03"]


def totp_code(key_hex: str = PERSONA_TOTP_KEY_HEX) -> str:
    """Return the current TOTP code of *key_hex* (the personas' key by default)."""
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key_hex)):06d}"


def enrol_persona(user: User) -> User:
    """Give *user* the personas' authenticator key and backup codes."""
    enrol_known_second_factor(
        user=user, key_hex=PERSONA_TOTP_KEY_HEX, backup_codes=PERSONA_BACKUP_CODES
    )
    return user


def _user(username: str, role: str, unit: Unit, **extra: Any) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, **extra)
    Membership.objects.create(user=user, unit=unit, role=role)
    return enrol_persona(user)


_plain_force_login = Client.force_login


def _force_login_with_second_factor(self: Client, user: Any, backend: str | None = None) -> None:
    """Sign *user* in as after password and second factor (tests only)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _plain_force_login(self, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        enrol_persona(user)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = self.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True, scope="session")
def _force_login_gives_the_second_factor() -> Iterator[None]:
    """Make ``Client.force_login`` stand for a complete sign-in, second factor included."""
    Client.force_login = _force_login_with_second_factor  # type: ignore[method-assign,assignment]
    yield
    Client.force_login = _plain_force_login  # type: ignore[method-assign]


def sign_in_in_browser(page: Any, base_url: str, username: str, password: str) -> None:
    """Sign in through the login page and the second-factor page in a Playwright *page*."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    complete_second_factor(page)


def complete_second_factor(page: Any) -> None:
    """Give the personas' TOTP code on the second-factor page the sign-in leads to."""
    page.wait_for_url("**/accounts/2fa/**")
    page.fill("#id_otp_token", totp_code())
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def district_organiser(district: Unit) -> User:
    return _user("tuyengiao", Role.DISTRICT_ORGANISER, district, full_name="Ban Tuyên giáo")


@pytest.fixture
def standing(district: Unit) -> User:
    return _user("thuongtruc", Role.STANDING_COMMITTEE, district, full_name="Thường trực Quận ủy")


@pytest.fixture
def ward_organiser(wards: list[Unit]) -> User:
    return _user("vanphong1", Role.WARD_ORGANISER, wards[0], full_name="Văn phòng Đảng ủy 1")


@pytest.fixture
def counter(wards: list[Unit]) -> User:
    return _user("kiemphieu1", Role.COUNTER, wards[0], full_name="Tổ kiểm phiếu 1")


@pytest.fixture
def outsider(wards: list[Unit]) -> User:
    return _user("vanphong2", Role.WARD_ORGANISER, wards[1], full_name="Văn phòng Đảng ủy 2")


@pytest.fixture
def leader(wards: list[Unit]) -> User:
    position = Position.objects.get(unit=wards[0], type__key="bi_thu_dang_uy")
    person = position.holder_on(dt.date.today())
    return _user(
        "lanhdao1",
        Role.LEADER,
        wards[0],
        full_name=person.full_name if person else "",
        person=person,
    )


@pytest.fixture
def as_persona(request: Any, db: Any) -> Any:
    """Return a function that gives a client signed in as the named persona fixture.

    ``as_persona("anonymous")`` is a client that is signed in as nobody.
    """

    def login(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return login


@pytest.fixture
def draft_round(district: Unit, wards: list[Unit], questionnaire: Questionnaire) -> Round:
    """Return a draft round over the first three wards, both positions."""
    return create_round(
        actor=None,
        organiser_unit=district,
        title="Đợt II/2026",
        year=2026,
        number=2,
        questionnaire=questionnaire,
        position_types=PositionType.objects.all(),
        wards=wards[:3],
        conference_date=dt.date(2026, 11, 20),
    )


@pytest.fixture
def open_round_(draft_round: Round) -> Round:
    """Return the draft round, opened (questionnaire frozen)."""
    return open_round(actor=None, round=draft_round)


@pytest.fixture
def box(open_round_: Round, wards: list[Unit]) -> BallotBox:
    """Return the first ward's ballot box (prepared, not yet open)."""
    return BallotBox.objects.get(conference__round=open_round_, conference__unit=wards[0])


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists() -> None:
    """Create STATIC_ROOT so WhiteNoise does not warn (warnings are errors in tests)."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    """Start every test with no report page content kept by an earlier test."""
    if "pages" in settings.CACHES:
        caches["pages"].clear()


# Test passwords are hashed cheaply: PBKDF2 costs ~0.5 s per persona on a busy machine.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_codes_known_from_earlier_tests() -> None:
    """Start every test with no code known to the process (each test has its own rows)."""
    from phieukin.ballots.services.codes import forget_known_codes

    forget_known_codes()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash test passwords cheaply (:data:`FAST_PASSWORD_HASHERS`)."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Containers often mount a small /dev/shm, where Chromium's renderers can run out
    # of shared memory; keep it in /tmp instead.
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Return Debian's headless Chromium driven by Playwright.

    Skip when it is missing, unless ``PHIEUKIN_REQUIRE_BROWSER=1`` (CI), then fail;
    ``PHIEUKIN_SKIP_BROWSER=1`` skips on purpose.
    """
    if os.environ.get("PHIEUKIN_SKIP_BROWSER") == "1":
        pytest.skip("browser tests skipped (PHIEUKIN_SKIP_BROWSER=1)")
    if not os.path.exists(CHROMIUM):
        if os.environ.get("PHIEUKIN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and PHIEUKIN_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    # Imported here: only browser tests need Playwright (a dev extra).
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                # ORM calls made while Playwright's loop runs get their own connections;
                # close them or the test database cannot be dropped.
                connections.close_all()
                browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
