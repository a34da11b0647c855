"""The audit page and ``manage.py verify_audit``: intact chains pass, tampering is named."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from phieukin.audit.models import AuditEvent


def _tamper() -> AuditEvent:
    event = AuditEvent.objects.order_by("id")[1]
    # A change made behind the product's back, as with a database tool.
    AuditEvent.objects.filter(pk=event.pk).update(object_label="sửa trộm")
    return event


def test_the_page_lists_events_and_says_the_chain_is_intact(
    as_persona: Any, open_round_: Any
) -> None:
    html = as_persona("district_organiser").get(reverse("audit:events")).content.decode()
    assert "Chuỗi nhật ký nguyên vẹn" in html
    assert "<td>Mở đợt lấy ý kiến</td>" in html
    assert "<td>Tạo đợt lấy ý kiến</td>" in html
    # Actions are named in Vietnamese; the key is only the filter's value.
    assert ">round.open<" not in html and '<option value="round.open"' in html


def test_every_action_has_a_vietnamese_name_and_unknown_ones_show_no_key() -> None:
    from django.utils import translation

    from phieukin.audit.labels import ACTIONS, action_label

    with translation.override("vi"):
        for action in ACTIONS:
            label = action_label(action)
            assert label and "." not in label and "_" not in label, action
        assert action_label("box.new_thing") == "Hòm phiếu: thao tác khác"
        assert action_label("zzz.unknown") == "Thao tác khác"


def test_the_page_names_the_altered_event(as_persona: Any, open_round_: Any) -> None:
    event = _tamper()
    html = as_persona("district_organiser").get(reverse("audit:events")).content.decode()
    assert "Chuỗi nhật ký bị phá vỡ." in html
    assert f"sự kiện số {event.pk}" in html


def test_events_can_be_filtered_by_action_and_unit(
    as_persona: Any, open_round_: Any, wards: Any
) -> None:
    client = as_persona("district_organiser")
    html = client.get(reverse("audit:events"), {"action": "round.open"}).content.decode()
    assert "<td>Mở đợt lấy ý kiến</td>" in html
    assert "<td>Tạo đợt lấy ý kiến</td>" not in html
    html = client.get(reverse("audit:events"), {"unit": wards[0].pk}).content.decode()
    assert "<td>Tạo đợt lấy ý kiến</td>" not in html


def test_the_log_is_paginated(as_persona: Any, open_round_: Any) -> None:
    from django.db import transaction

    from phieukin.audit.services import record_event

    with transaction.atomic():
        for n in range(60):
            record_event(actor=None, action="test.fill", data={"n": n})
    client = as_persona("district_organiser")
    first = client.get(reverse("audit:events"), {"action": "test.fill"}).content.decode()
    second = client.get(
        reverse("audit:events"), {"action": "test.fill", "page": 2}
    ).content.decode()
    assert first.count("<td>Thao tác khác</td>") == 50
    assert second.count("<td>Thao tác khác</td>") == 10
    assert "Trang 2/2" in second


@pytest.mark.parametrize("persona", ["ward_organiser", "counter", "leader"])
def test_ward_roles_cannot_read_the_log(as_persona: Any, persona: str) -> None:
    assert as_persona(persona).get(reverse("audit:events")).status_code == 403


def test_verify_audit_succeeds_on_an_intact_chain(open_round_: Any, capsys: Any) -> None:
    call_command("verify_audit")
    assert "Audit chain intact" in capsys.readouterr().out


def test_verify_audit_fails_naming_the_broken_event(open_round_: Any) -> None:
    event = _tamper()
    with pytest.raises(CommandError, match=f"event #{event.pk}: altered event"):
        call_command("verify_audit")


def test_verify_audit_fails_when_events_are_removed_from_the_end(open_round_: Any) -> None:
    AuditEvent.objects.order_by("-id").first().delete()  # type: ignore[union-attr]
    with pytest.raises(CommandError, match="end of the chain"):
        call_command("verify_audit")


def test_event_details_are_shown_with_vietnamese_labels_not_json(
    as_persona: Any, draft_round: Any, wards: Any
) -> None:
    from phieukin.rounds.models import Conference
    from phieukin.rounds.services import record_attendance

    conference = Conference.objects.get(round=draft_round, unit=wards[0])
    record_attendance(actor=None, conference=conference, invited=9, present=8)
    html = as_persona("district_organiser").get(reverse("audit:events")).content.decode()
    assert "<dt>Được triệu tập (người)</dt><dd>9</dd>" in html
    assert "<dt>Có mặt (người)</dt><dd>8</dd>" in html
    assert "&quot;invited&quot;" not in html and "present&quot;" not in html


def test_details_read_as_vietnamese_values() -> None:
    from phieukin.audit.details import event_details

    lines = event_details(
        {
            "mismatch_acknowledged": True,
            "counts": {"codes_used": 1427, "per_subject": {"12": 3}},
            "k_threshold": ["5", "7"],
            "flag_mean_below": "2.50",
            "changed": ["k_threshold", "title"],
            "some_new_key": "x",
        }
    )
    assert [(d.label, d.value) for d in lines] == [
        ("Đã xác nhận chênh lệch", "có"),
        ("Số liệu", ""),
        ("Số phiếu tối thiểu để hiển thị số liệu (k)", "5 → 7"),
        ("Đánh dấu khi điểm trung bình dưới", "2,50"),
        ("Nội dung đã sửa", "Số phiếu tối thiểu để hiển thị số liệu (k), Tên"),
        ("Chi tiết khác", "x"),
    ]
    assert [(d.label, d.value) for d in lines[1].children] == [
        ("Số mã đã dùng (người)", "1.427"),
        ("Số phiếu theo từng đồng chí", ""),
    ]
    assert [(d.label, d.value) for d in lines[1].children[1].children] == [("#12", "3")]


def _recorded_actions() -> set[str]:
    """Every action key the product passes to ``record_event``, read from its source."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "record_event"):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    found |= {
                        n.value
                        for n in ast.walk(keyword.value)
                        if isinstance(n, ast.Constant) and isinstance(n.value, str)
                    }
    return found


def test_every_action_the_product_records_has_a_translated_name() -> None:
    from django.utils import translation

    from phieukin.audit.labels import ACTIONS

    recorded = _recorded_actions()
    assert len(recorded) > 50  # the walk found the product's calls
    assert sorted(recorded - set(ACTIONS)) == []
    with translation.override("vi"):
        vietnamese = {key: str(ACTIONS[key]) for key in recorded}
    with translation.override("en"):
        untranslated = [key for key in recorded if str(ACTIONS[key]) == vietnamese[key]]
    assert untranslated == []
