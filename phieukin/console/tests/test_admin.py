"""The Django admin: Vietnamese, every page renders, audit and frozen data read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from phieukin.audit.models import AuditEvent
from phieukin.questionnaires.models import Item, Questionnaire


def test_every_registered_model_renders_its_list_and_change_pages(
    admin_client: Any, open_round_: Any
) -> None:
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        obj = model._default_manager.first()
        if obj is not None:
            url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert admin_client.get(url).status_code == 200, info


def test_the_admin_speaks_vietnamese(admin_client: Any) -> None:
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "phiếu kín — quản trị dữ liệu" in html
    assert "Đợt lấy ý kiến" in html


def test_ballot_core_models_are_not_registered_here() -> None:
    from phieukin.ballots.models import Ballot, Code

    registered = admin.site._registry
    # The ballot-core engineer registers them read-only, or not at all; never editable.
    for model in (Ballot, Code):
        if model in registered:
            assert not registered[model].has_change_permission(_request())


def _request() -> Any:
    from django.test import RequestFactory

    from phieukin.accounts.models import User

    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return request


def test_audit_events_cannot_be_added_changed_or_deleted(
    admin_client: Any, open_round_: Any
) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    response = admin_client.post(url, {"action": "forged"})
    assert response.status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action != "forged"


@pytest.mark.parametrize("frozen", [True, False])
def test_a_frozen_questionnaire_and_its_items_are_read_only(
    admin_client: Any, questionnaire: Any, frozen: bool
) -> None:
    if frozen:
        from phieukin.questionnaires.services import freeze_questionnaire

        freeze_questionnaire(actor=None, questionnaire=questionnaire)
        questionnaire.refresh_from_db()
    q_admin = admin.site._registry[Questionnaire]
    item_admin = admin.site._registry[Item]
    item = questionnaire.items.first()
    request = _request()
    assert q_admin.has_change_permission(request, questionnaire) is not frozen
    assert q_admin.has_delete_permission(request, questionnaire) is not frozen
    assert item_admin.has_change_permission(request, item) is not frozen
    html = admin_client.get(
        reverse("admin:questionnaires_item_change", args=[item.pk])
    ).content.decode()
    assert ('name="_save"' in html) is not frozen


def test_changes_made_in_the_admin_are_audited(admin_client: Any, wards: Any) -> None:
    from phieukin.audit.services import verify_chain

    ward = wards[0]
    url = reverse("admin:units_unit_change", args=[ward.pk])
    response = admin_client.post(
        url,
        {
            "parent": ward.parent_id,
            "kind": ward.kind,
            "code": ward.code,
            "slug": ward.slug,
            "name": ward.name,
            "full_name": "Phường đổi tên",
            "party_committee": ward.party_committee,
            "party_organisation": ward.party_organisation,
            "people_committee": ward.people_committee,
            "organiser_unit": ward.organiser_unit,
            "document_symbol_suffix": ward.document_symbol_suffix,
            "valid_from": "",
            "valid_until": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.change", object_id=str(ward.pk))
    assert event.data == {"fields": ["full_name"]}
    assert event.actor_label == "admin"
    assert verify_chain().ok


def test_a_role_granted_in_the_admin_is_audited(admin_client: Any, wards: Any) -> None:
    from phieukin.accounts.models import Membership, User

    user = User.objects.create_user(username="moi", password="x")
    response = admin_client.post(
        reverse("admin:accounts_membership_add"),
        {"user": user.pk, "unit": wards[0].pk, "role": "ward_organiser"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert AuditEvent.objects.filter(action="admin.add", object_id=str(membership.pk)).exists()
