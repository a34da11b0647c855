"""The ward office adds and removes its counting committee's accounts, scoped and audited."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import Membership, Role, User
from phieukin.accounts.services import add_committee_member, remove_committee_member
from phieukin.accounts.twofactor import second_factor_required
from phieukin.audit.models import AuditEvent
from phieukin.core.errors import DomainError
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db

URL = "/accounts/committee/"


def _add(client: Any, ward: Unit, username: str = "kp.lan") -> Any:
    return client.post(
        URL, {"ward": str(ward.pk), "username": username, "full_name": "Nguyễn Thị Lan"}
    )


def test_the_ward_office_adds_a_member_who_must_set_a_password_and_enrol_a_second_factor(
    as_persona: Any, wards: list[Unit], ward_organiser: User
) -> None:
    response = _add(as_persona("ward_organiser"), wards[0])
    assert response.status_code == 200
    body = response.content.decode()
    password = re.search(r'<code class="mono">([a-z0-9-]+)</code>', body)
    assert password is not None
    assert "chỉ hiển thị một lần" in body
    member = User.objects.get(username="kp.lan")
    assert member.full_name == "Nguyễn Thị Lan"
    assert member.must_change_password
    assert member.check_password(password.group(1))
    assert Membership.objects.filter(user=member, unit=wards[0], role=Role.COUNTER).exists()
    assert second_factor_required(member)
    event = AuditEvent.objects.get(action="accounts.committee_member_added")
    assert password.group(1) not in str(event.data)

    # The temporary password only opens the page that sets one's own.
    client = as_persona("anonymous")
    client.post(reverse("accounts:login"), {"username": "kp.lan", "password": password.group(1)})
    assert client.get("/ballots/").status_code == 302


def test_the_ward_office_cannot_add_to_another_ward(
    as_persona: Any, wards: list[Unit], ward_organiser: User
) -> None:
    response = _add(as_persona("ward_organiser"), wards[1])
    assert response.status_code == 400
    assert not User.objects.filter(username="kp.lan").exists()
    with pytest.raises(AccessDenied):
        add_committee_member(
            actor=ward_organiser, unit=wards[1], username="kp.b", full_name="Người B"
        )


@pytest.mark.parametrize("persona", ["counter", "leader", "standing"])
def test_nobody_else_sees_the_committee_page(as_persona: Any, persona: str) -> None:
    assert as_persona(persona).get(URL).status_code == 404


def test_removing_a_member_needs_the_confirmation_and_deactivates_a_roleless_account(
    as_persona: Any, wards: list[Unit], ward_organiser: User, counter: User
) -> None:
    client = as_persona("ward_organiser")
    assert counter.username in client.get(URL).content.decode()
    url = reverse("accounts:committee_remove", args=[wards[0].pk, counter.pk])
    assert "không thể hoàn tác" in client.get(url).content.decode()
    client.post(url, {})
    assert Membership.objects.filter(user=counter, role=Role.COUNTER).exists()

    client.post(url, {"confirm": "yes"})
    counter.refresh_from_db()
    assert not Membership.objects.filter(user=counter).exists()
    assert not counter.is_active
    assert AuditEvent.objects.get(action="accounts.committee_member_removed").data == {
        "username": counter.username,
        "deactivated": True,
    }


def test_another_ward_office_cannot_remove_the_member(
    as_persona: Any, wards: list[Unit], outsider: User, counter: User
) -> None:
    url = reverse("accounts:committee_remove", args=[wards[0].pk, counter.pk])
    assert as_persona("outsider").post(url, {"confirm": "yes"}).status_code == 404
    with pytest.raises(AccessDenied):
        remove_committee_member(actor=outsider, unit=wards[0], user=counter)
    assert Membership.objects.filter(user=counter, role=Role.COUNTER).exists()


def test_the_command_adds_and_removes_a_member(wards: list[Unit], ward_organiser: User) -> None:
    out = io.StringIO()
    call_command(
        "committee_member",
        "add",
        ward=str(wards[0].pk),
        username="kp.minh",
        name="Trần Văn Minh",
        actor="vanphong1",
        stdout=out,
    )
    assert out.getvalue().startswith("kp.minh\t")
    member = User.objects.get(username="kp.minh")
    assert member.must_change_password
    call_command(
        "committee_member",
        "remove",
        ward=str(wards[0].pk),
        username="kp.minh",
        actor="vanphong1",
        stdout=io.StringIO(),
    )
    assert not Membership.objects.filter(user=member).exists()


def test_no_account_is_added_to_a_ward_the_reorganisation_ended(wards: list[Unit]) -> None:
    wards[0].valid_until = timezone.localdate() - dt.timedelta(days=1)
    wards[0].save(update_fields=["valid_until"])
    with pytest.raises(DomainError) as refused:
        add_committee_member(actor=None, unit=wards[0], username="kp.cu", full_name="Trần Văn Cũ")
    assert refused.value.code == "ward_ended"
    assert not User.objects.filter(username="kp.cu").exists()
