"""Sign-in: password, then the second factor, then (for new accounts) an own password.

The central claim: no privileged page is reachable with a password alone. Every URL
pattern of the project is opened by users who signed in with their password but not
(yet) their second factor; only public pages and the sign-in steps answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from phieukin.accounts.models import Membership, Role, User
from phieukin.audit.models import AuditEvent
from phieukin.testing.fixtures import PERSONA_BACKUP_CODES, totp_code

pytestmark = pytest.mark.django_db

OPEN_NAMESPACES = ("public:", "api:")
SIGN_IN_STEPS = {
    "accounts:login",
    "accounts:logout",
    "accounts:second_factor",
    "accounts:second_factor_setup",
}


def walk(resolver: URLResolver | None = None, prefix: str = "", ns: str = "") -> Iterator[Any]:
    """Yield (route, name) of every URL pattern below *resolver*."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from walk(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{ns}{entry.name}"


def concrete(route: str) -> str:
    """Turn a route into a path: converters become 1, regex groups a plausible value."""
    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(?:str|slug|path):[^>]+>|<[^>:]+>", "x", path)
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "x", path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser("quantri", password="pw-quantri-long-enough")


@pytest.mark.parametrize("persona", ["district_organiser", "standing", "counter", "superuser"])
def test_no_privileged_page_is_reachable_with_a_password_alone(
    request: Any, persona: str, open_round_: Any
) -> None:
    user = request.getfixturevalue(persona)
    client = Client()
    password = "pw-quantri-long-enough" if persona == "superuser" else "pw-" + user.username
    response = sign_in(client, user.username, password)
    assert response.status_code == 302
    opened = []
    for route, name in walk():
        if name.startswith(OPEN_NAMESPACES) or name in SIGN_IN_STEPS:
            continue
        path = concrete(route)
        for method in ("get", "post"):
            answer = getattr(client, method)(path)
            if answer.status_code == 404 and "Resolver404" in str(answer.content[:0]):
                continue
            if answer.status_code not in (301, 302, 404, 405):
                opened.append((method, path, answer.status_code))
            elif answer.status_code == 302:
                assert "/accounts/2fa/" in answer["Location"], (path, answer["Location"])
    assert opened == []


def test_the_second_factor_opens_the_back_office(district_organiser: User) -> None:
    client = Client()
    sign_in(client, "tuyengiao", "pw-tuyengiao")
    assert client.get("/").status_code == 302
    response = client.post("/accounts/2fa/", {"otp_token": totp_code(), "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_code_keeps_the_door_shut(district_organiser: User) -> None:
    client = Client()
    sign_in(client, "tuyengiao", "pw-tuyengiao")
    response = client.post("/accounts/2fa/", {"otp_token": "000000"})
    assert response.status_code == 200
    assert "không đúng" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_backup_code_works_once(district_organiser: User) -> None:
    first = Client()
    sign_in(first, "tuyengiao", "pw-tuyengiao")
    assert first.post("/accounts/2fa/", {"otp_token": PERSONA_BACKUP_CODES[0]}).status_code == 302
    assert first.get("/").status_code == 200
    second = Client()
    sign_in(second, "tuyengiao", "pw-tuyengiao")
    assert second.post("/accounts/2fa/", {"otp_token": PERSONA_BACKUP_CODES[0]}).status_code == 200
    assert second.get("/").status_code == 302


def test_the_admin_needs_the_second_factor_too(superuser: User) -> None:
    client = Client()
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith("/accounts/login/")
    sign_in(client, "quantri", "pw-quantri-long-enough")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/setup/")


def test_a_user_without_a_device_enrols_with_a_qr_code_and_gets_backup_codes(
    superuser: User,
) -> None:
    from django_otp.oath import totp

    client = Client()
    sign_in(client, "quantri", "pw-quantri-long-enough")
    page = client.get("/accounts/2fa/setup/?next=/admin/")
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    assert client.get("/admin/").status_code == 302
    response = client.post(
        "/accounts/2fa/setup/", {"otp_token": f"{totp(device.bin_key):06d}", "next": "/admin/"}
    )
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([^<]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.second_factor_enrolled").count() == 1


def test_a_leader_without_a_device_signs_in_with_the_password(leader: User) -> None:
    TOTPDevice.objects.filter(user=leader).delete()
    from django_otp.plugins.otp_static.models import StaticDevice

    StaticDevice.objects.filter(user=leader).delete()
    client = Client()
    sign_in(client, "lanhdao1", "pw-lanhdao1")
    assert client.get("/").status_code == 200


def test_a_leader_who_enrolled_must_give_the_second_factor(leader: User) -> None:
    client = Client()
    sign_in(client, "lanhdao1", "pw-lanhdao1")
    assert client.get("/")["Location"].startswith("/accounts/2fa/")


def test_the_district_organiser_resets_a_second_factor_with_an_audit_event(
    district_organiser: User, counter: User
) -> None:
    client = Client()
    client.force_login(district_organiser)
    assert client.post(f"/accounts/security/reset/{counter.pk}/").status_code == 302
    assert not TOTPDevice.objects.filter(user=counter).exists()
    event = AuditEvent.objects.get(action="accounts.second_factor_reset")
    assert event.object_id == str(counter.pk)
    again = Client()
    sign_in(again, "kiemphieu1", "pw-kiemphieu1")
    assert again.get("/")["Location"].startswith("/accounts/2fa/setup/")


def test_nobody_else_resets_a_second_factor(
    ward_organiser: User, counter: User, outsider: User, standing: User
) -> None:
    for actor in (ward_organiser, outsider, standing, counter):
        client = Client()
        client.force_login(actor)
        assert client.post(f"/accounts/security/reset/{counter.pk}/").status_code == 404
        assert client.get("/accounts/security/").status_code == 403
    assert TOTPDevice.objects.filter(user=counter).exists()


def test_the_district_organiser_does_not_reset_a_superuser(
    district_organiser: User, superuser: User, district: Any
) -> None:
    Membership.objects.create(user=superuser, unit=district, role=Role.STANDING_COMMITTEE)
    client = Client()
    client.force_login(district_organiser)
    assert client.post(f"/accounts/security/reset/{superuser.pk}/").status_code == 404
