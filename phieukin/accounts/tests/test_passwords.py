"""Passwords: at least 12 characters, not all digits, not common; changed by their owner."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password", ["83920174", "phieukin", "839201748392", "password1234", "Abc-12345"]
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted() -> None:
    validate_password("mưa-thu-Hà-Nội-7-cây-bàng")


def test_a_user_changes_their_own_password_with_an_audit_event(ward_organiser: User) -> None:
    client = Client()
    client.force_login(ward_organiser)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "pw-vanphong1",
            "new_password1": "83920174",
            "new_password2": "83920174",
        },
    )
    assert response.status_code == 200
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "pw-vanphong1",
            "new_password1": "cây-bàng-phố-Bồ-Đề-9",
            "new_password2": "cây-bàng-phố-Bồ-Đề-9",
        },
    )
    assert response.status_code == 302
    ward_organiser.refresh_from_db()
    assert ward_organiser.check_password("cây-bàng-phố-Bồ-Đề-9")
    assert AuditEvent.objects.filter(action="accounts.password_changed").count() == 1
    assert client.get("/").status_code == 200  # still signed in


def test_a_new_account_must_set_its_own_password_first(ward_organiser: User) -> None:
    User.objects.filter(pk=ward_organiser.pk).update(must_change_password=True)
    client = Client()
    client.force_login(ward_organiser)
    response = client.get("/rounds/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/password/")
    client.post(
        "/accounts/password/",
        {
            "old_password": "pw-vanphong1",
            "new_password1": "cây-bàng-phố-Bồ-Đề-9",
            "new_password2": "cây-bàng-phố-Bồ-Đề-9",
        },
    )
    assert client.get("/rounds/").status_code == 200


def test_an_account_added_in_the_admin_must_change_its_password(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "moi",
            "password1": "cây-bàng-phố-Bồ-Đề-9",
            "password2": "cây-bàng-phố-Bồ-Đề-9",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert User.objects.get(username="moi").must_change_password
