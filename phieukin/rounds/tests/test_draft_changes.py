"""A draft round can be edited and deleted; a ward leaves a round only before its box opened."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from phieukin.api.auth import create_api_token
from phieukin.audit.models import AuditEvent
from phieukin.ballots.services import generate_codes, open_box
from phieukin.core.errors import Conflict
from phieukin.rounds import services
from phieukin.rounds.models import BallotBox, Conference, Round, Subject

pytestmark = pytest.mark.django_db


def test_the_organiser_edits_a_draft_round_on_its_page(as_persona: Any, draft_round: Round) -> None:
    client = as_persona("district_organiser")
    detail = client.get(reverse("rounds:detail", args=[draft_round.pk])).content.decode()
    assert reverse("rounds:edit", args=[draft_round.pk]) in detail
    assert "Trung bình, Yếu" in detail and "trung_binh" not in detail  # labels, not keys
    form = client.get(reverse("rounds:edit", args=[draft_round.pk]))
    assert form.status_code == 200 and "Đợt II/2026" in form.content.decode()
    saved = client.post(
        reverse("rounds:edit", args=[draft_round.pk]),
        {
            "title": "Đợt II/2026 (sửa)",
            "year": 2026,
            "number": 3,
            "k_threshold": 6,
            "k_comments": 9,
            "flag_low_share": "0.25",
            "flag_mean_below": "3.00",
            "target_participation": "0.9",
        },
    )
    assert saved.status_code == 302
    draft_round.refresh_from_db()
    assert (draft_round.title, draft_round.number, draft_round.k_threshold) == (
        "Đợt II/2026 (sửa)",
        3,
        6,
    )
    event = AuditEvent.objects.get(action="round.edit")
    assert event.data["k_threshold"] == ["5", "6"]


def test_an_open_round_cannot_be_edited_or_deleted(open_round_: Round) -> None:
    with pytest.raises(Conflict):
        services.update_round(actor=None, round=open_round_, title="Khác")
    with pytest.raises(Conflict):
        services.delete_round(actor=None, round=open_round_)
    assert Round.objects.filter(pk=open_round_.pk).exists()


def test_the_organiser_deletes_a_draft_round_after_confirming(
    as_persona: Any, draft_round: Round
) -> None:
    box = BallotBox.objects.filter(conference__round=draft_round).first()
    assert box is not None
    generate_codes(actor=None, box=box, count=3)  # slips printed early go dead
    client = as_persona("district_organiser")
    ask = client.get(reverse("rounds:delete", args=[draft_round.pk])).content.decode()
    assert "không thể hoàn tác" in ask and Round.objects.filter(pk=draft_round.pk).exists()
    done = client.post(reverse("rounds:delete", args=[draft_round.pk]))
    assert done.status_code == 302
    assert not Round.objects.filter(pk=draft_round.pk).exists()
    assert not Conference.objects.filter(round_id=draft_round.pk).exists()
    event = AuditEvent.objects.get(action="round.delete")
    assert event.data["title"] == "Đợt II/2026" and len(event.data["wards"]) == 3


def test_a_ward_organiser_can_neither_edit_nor_delete(as_persona: Any, draft_round: Round) -> None:
    client = as_persona("ward_organiser")
    assert client.get(reverse("rounds:edit", args=[draft_round.pk])).status_code == 403
    assert client.post(reverse("rounds:delete", args=[draft_round.pk])).status_code == 403
    assert Round.objects.filter(pk=draft_round.pk).exists()


def test_a_ward_is_dropped_from_an_open_round_before_its_box_opens(
    as_persona: Any, open_round_: Round, wards: list[Any]
) -> None:
    third = Conference.objects.get(round=open_round_, unit=wards[2])
    first = Conference.objects.get(round=open_round_, unit=wards[0])
    open_box(actor=None, box=first.box)
    client = as_persona("district_organiser")
    detail = client.get(reverse("rounds:detail", args=[open_round_.pk])).content.decode()
    assert reverse("rounds:conference_remove", args=[third.pk]) in detail
    assert reverse("rounds:conference_remove", args=[first.pk]) not in detail
    ask = client.get(reverse("rounds:conference_remove", args=[third.pk]))
    assert ask.status_code == 200 and "nhật ký" in ask.content.decode()
    done = client.post(
        reverse("rounds:conference_remove", args=[third.pk]), {"reason": "Sáp nhập phường"}
    )
    assert done.status_code == 302
    assert not Conference.objects.filter(pk=third.pk).exists()
    assert not Subject.objects.filter(conference_id=third.pk).exists()
    event = AuditEvent.objects.get(action="round.ward_removed")
    assert event.data == {"ward": wards[2].name, "reason": "Sáp nhập phường"}
    # The first ward's box has opened: it stays, and the refusal is said.
    refused = client.post(reverse("rounds:conference_remove", args=[first.pk]), follow=True)
    assert "đã được mở" in refused.content.decode()
    assert Conference.objects.filter(pk=first.pk).exists()


def test_the_last_ward_stays(open_round_: Round) -> None:
    conferences = list(open_round_.conferences.all())
    for conference in conferences[1:]:
        services.remove_conference(actor=None, conference=conference)
    with pytest.raises(Conflict):
        services.remove_conference(actor=None, conference=conferences[0])


def test_the_api_edits_deletes_and_drops_a_ward_as_the_pages_do(
    district_organiser: Any, ward_organiser: Any, draft_round: Round, wards: list[Any]
) -> None:
    organiser = Client(
        HTTP_AUTHORIZATION=f"Bearer {create_api_token(user=district_organiser, name='t')}"
    )
    office = Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user=ward_organiser, name='o')}")
    base = f"/api/v1/admin/rounds/{draft_round.pk}"

    def post(client: Client, url: str, body: dict[str, Any]) -> Any:
        return client.post(url, json.dumps(body), content_type="application/json")

    assert post(office, f"{base}/edit", {"title": "X"}).status_code == 403
    edited = post(
        organiser, f"{base}/edit", {"title": "Đợt III/2026", "k_threshold": 7, "k_comments": 9}
    )
    assert edited.status_code == 200 and edited.json()["title"] == "Đợt III/2026"
    assert post(organiser, f"{base}/edit", {"k_threshold": 1}).status_code == 400
    dropped = post(organiser, f"{base}/wards/{wards[1].pk}/remove", {"reason": "thử"})
    assert dropped.status_code == 200 and wards[1].name not in dropped.json()["wards"]
    assert post(office, f"{base}/delete", {}).status_code == 403
    assert post(organiser, f"{base}/delete", {}).json() == {"status": "deleted"}
    assert post(organiser, f"{base}/delete", {}).status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"round.edit", "round.ward_removed", "round.delete"} <= actions
