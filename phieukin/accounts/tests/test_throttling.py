"""Login throttling: wrong passwords lock the account and the client; the lockout lifts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def attempt(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def brute_force(username: str, ip: str = "10.0.0.1") -> None:
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, username, f"wrong-{n}", ip).status_code == 200
    assert attempt(client, username, "wrong-last", ip).status_code == 429


def test_brute_force_locks_the_account_even_for_the_right_password(
    district_organiser: User,
) -> None:
    brute_force("tuyengiao")
    response = attempt(Client(), "tuyengiao", "pw-tuyengiao", ip="10.9.9.9")
    assert response.status_code == 429
    text = response.content.decode()
    assert "tạm khóa" in text
    assert f"{settings.PHIEUKIN_LOGIN_COOLOFF_MINUTES} phút" in text


def test_brute_force_from_one_client_locks_that_client_for_every_account(
    district_organiser: User,
) -> None:
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess{n}", "wrong", ip="10.0.0.7")
    assert attempt(Client(), "tuyengiao", "pw-tuyengiao", ip="10.0.0.7").status_code == 429
    assert attempt(Client(), "tuyengiao", "pw-tuyengiao", ip="10.0.0.8").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(
    district_organiser: User,
) -> None:
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.7",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    locked = Client().post(
        "/accounts/login/",
        {"username": "tuyengiao", "password": "pw-tuyengiao"},
        REMOTE_ADDR="10.0.0.7",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert locked.status_code == 429


def test_the_lockout_lifts_after_the_documented_cool_off(district_organiser: User) -> None:
    brute_force("tuyengiao")
    assert attempt(Client(), "tuyengiao", "pw-tuyengiao").status_code == 429
    cool_off = dt.timedelta(minutes=settings.PHIEUKIN_LOGIN_COOLOFF_MINUTES)
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=row.attempt_time - cool_off + dt.timedelta(seconds=30)
        )
    assert attempt(Client(), "tuyengiao", "pw-tuyengiao").status_code == 429
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=row.attempt_time - dt.timedelta(seconds=31)
        )
    assert attempt(Client(), "tuyengiao", "pw-tuyengiao").status_code == 302


def test_the_district_organiser_unlocks_with_an_audit_event(
    district_organiser: User, counter: User
) -> None:
    brute_force("kiemphieu1")
    assert attempt(Client(), "kiemphieu1", "pw-kiemphieu1", ip="10.1.1.1").status_code == 429
    organiser = Client()
    organiser.force_login(district_organiser)
    page = organiser.get("/accounts/security/").content.decode()
    assert "kiemphieu1" in page
    row = AccessAttempt.objects.filter(username="kiemphieu1").first()
    assert row is not None
    assert organiser.post(f"/accounts/security/unlock/{row.pk}/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.sign_in_unlocked").count() == 1
    assert attempt(Client(), "kiemphieu1", "pw-kiemphieu1", ip="10.1.1.1").status_code == 302


def test_a_ward_organiser_cannot_unlock(ward_organiser: User, counter: User) -> None:
    brute_force("kiemphieu1")
    row = AccessAttempt.objects.filter(username="kiemphieu1").first()
    assert row is not None
    client = Client()
    client.force_login(ward_organiser)
    assert client.post(f"/accounts/security/unlock/{row.pk}/").status_code == 404
    assert AccessAttempt.objects.filter(pk=row.pk).exists()
