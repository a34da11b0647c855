"""API tokens: they expire, are listed and revoked by their owner and the district
organiser, and their creation and revocation are audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from phieukin.accounts.models import ApiToken, User
from phieukin.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def create(client: Client, name: str = "script", days: int = 30) -> str:
    response = client.post("/accounts/tokens/", {"name": name, "days": days})
    assert response.status_code == 200
    match = re.search(r"<code>(pk_[^<]+)</code>", response.content.decode())
    assert match
    return match.group(1)


def api_status(token: str, box: Any) -> int:
    return (
        Client()
        .get(f"/api/v1/admin/boxes/{box.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
        .status_code
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_user_creates_a_token_that_expires_with_an_audit_event(
    ward_organiser: User, box: Any
) -> None:
    token = create(signed_in(ward_organiser), days=30)
    row = ApiToken.objects.get(user=ward_organiser)
    assert abs((row.expires_at - timezone.now()) - dt.timedelta(days=30)) < dt.timedelta(minutes=1)
    assert AuditEvent.objects.filter(action="accounts.api_token_created").count() == 1
    assert token not in str(AuditEvent.objects.values_list("data", flat=True)[0])
    assert api_status(token, box) == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_status(token, box) == 401


def test_a_lifetime_over_a_year_is_refused(ward_organiser: User) -> None:
    response = signed_in(ward_organiser).post("/accounts/tokens/", {"name": "x", "days": 10**20})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_with_an_audit_event(ward_organiser: User, box: Any) -> None:
    client = signed_in(ward_organiser)
    token = create(client)
    row = ApiToken.objects.get()
    assert client.post(f"/accounts/tokens/{row.pk}/revoke/").status_code == 302
    assert api_status(token, box) == 401
    assert AuditEvent.objects.filter(action="accounts.api_token_revoked").count() == 1


def test_the_district_organiser_lists_and_revokes_the_tokens_of_their_users(
    ward_organiser: User, district_organiser: User, box: Any
) -> None:
    token = create(signed_in(ward_organiser), name="ward-script")
    organiser = signed_in(district_organiser)
    assert "ward-script" in organiser.get("/accounts/tokens/").content.decode()
    row = ApiToken.objects.get()
    assert organiser.post(f"/accounts/tokens/{row.pk}/revoke/").status_code == 302
    assert api_status(token, box) == 401


def test_other_users_neither_see_nor_revoke_a_token(
    ward_organiser: User, outsider: User, standing: User, counter: User, box: Any
) -> None:
    token = create(signed_in(ward_organiser), name="ward-script")
    row = ApiToken.objects.get()
    for other in (outsider, standing, counter):
        client = signed_in(other)
        assert "ward-script" not in client.get("/accounts/tokens/").content.decode()
        assert client.post(f"/accounts/tokens/{row.pk}/revoke/").status_code == 404
    assert api_status(token, box) == 200
