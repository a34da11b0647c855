"""Round pages: creating, opening/closing/publishing, attendance, and who may do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from phieukin.audit.models import AuditEvent
from phieukin.rounds.models import Conference, Round
from phieukin.rounds.services import create_round
from phieukin.units.models import PositionType


def _round_form(questionnaire: Any, wards: list[Any], **extra: Any) -> dict[str, Any]:
    data = {
        "title": "Đợt I/2027",
        "year": 2027,
        "number": 1,
        "questionnaire": questionnaire.pk,
        "wards": [w.pk for w in wards],
        "position_types": [p.pk for p in PositionType.objects.all()],
        "conference_date": "20/05/2027",
        "k_threshold": 5,
        "k_comments": 8,
        "flag_low_share": "0.2",
        "flag_mean_below": "3",
        "flag_analogy": "on",
        "blank_ballot_invalid": "on",
        "double_mark_policy": "unanswered",
        "target_participation": "0.9",
    }
    data.update(extra)
    return data


def test_the_district_organiser_creates_a_round_over_chosen_wards(
    as_persona: Any, district_organiser: Any, questionnaire: Any, wards: Any
) -> None:
    response = as_persona("district_organiser").post(
        reverse("rounds:create"), _round_form(questionnaire, wards[:2])
    )
    rnd = Round.objects.get(year=2027, number=1)
    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:detail", args=[rnd.pk])
    assert rnd.conferences.count() == 2
    assert {c.held_on for c in rnd.conferences.all()} == {dt.date(2027, 5, 20)}
    assert AuditEvent.objects.filter(action="round.create", actor=district_organiser).exists()


def test_the_create_form_lists_wards_in_vietnamese_order(
    as_persona: Any, district_organiser: Any, wards: Any
) -> None:
    html = as_persona("district_organiser").get(reverse("rounds:create")).content.decode()
    positions = [html.index(f">{w.name}</label>") for w in wards]
    assert positions == sorted(positions)
    assert html.index(">Bồ Đề<") < html.index(">Cự Khối<") < html.index(">Đức Giang<")


def test_a_comment_threshold_below_k_is_refused_and_nothing_is_saved(
    as_persona: Any, district_organiser: Any, questionnaire: Any, wards: Any
) -> None:
    response = as_persona("district_organiser").post(
        reverse("rounds:create"), _round_form(questionnaire, wards[:2], k_comments=4)
    )
    assert response.status_code == 200
    assert "Ngưỡng hiển thị ý kiến phải lớn hơn hoặc bằng k." in response.content.decode()
    assert not Round.objects.filter(year=2027).exists()


def test_a_duplicate_round_shows_the_services_message(
    as_persona: Any, district_organiser: Any, draft_round: Any, questionnaire: Any, wards: Any
) -> None:
    response = as_persona("district_organiser").post(
        reverse("rounds:create"),
        _round_form(questionnaire, wards[:1], year=2026, number=2, title="Trùng"),
    )
    assert "Đã có đợt 2/2026." in response.content.decode()
    assert Round.objects.filter(year=2026, number=2).count() == 1


@pytest.mark.parametrize("persona", ["standing", "ward_organiser", "counter", "leader"])
def test_other_roles_cannot_create_rounds(
    as_persona: Any, persona: str, questionnaire: Any, wards: Any
) -> None:
    response = as_persona(persona).post(
        reverse("rounds:create"), _round_form(questionnaire, wards[:1])
    )
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_the_district_organiser_opens_a_draft_round(
    as_persona: Any, district_organiser: Any, draft_round: Any
) -> None:
    url = reverse("rounds:transition", args=[draft_round.pk, "open"])
    response = as_persona("district_organiser").post(url, {"confirm": "yes"}, follow=True)
    draft_round.refresh_from_db()
    assert draft_round.state == "open"
    assert "Đã mở Đợt II/2026." in response.content.decode()


def test_an_impossible_step_is_explained_not_performed(
    as_persona: Any, district_organiser: Any, open_round_: Any
) -> None:
    url = reverse("rounds:transition", args=[open_round_.pk, "close"])
    response = as_persona("district_organiser").post(url, {"confirm": "yes"}, follow=True)
    open_round_.refresh_from_db()
    assert open_round_.state == "open"
    assert "Còn 3 hòm phiếu chưa niêm phong." in response.content.decode()


@pytest.mark.parametrize("persona", ["standing", "ward_organiser", "counter"])
def test_read_only_roles_cannot_open_a_round(
    as_persona: Any, persona: str, draft_round: Any
) -> None:
    url = reverse("rounds:transition", args=[draft_round.pk, "open"])
    assert as_persona(persona).post(url).status_code == 403
    assert as_persona(persona).post(url, {"confirm": "yes"}).status_code == 403
    draft_round.refresh_from_db()
    assert draft_round.state == "draft"


def test_the_lifecycle_buttons_are_shown_only_to_the_district_organiser(
    as_persona: Any, draft_round: Any
) -> None:
    url = reverse("rounds:detail", args=[draft_round.pk])
    button = reverse("rounds:transition", args=[draft_round.pk, "open"])
    assert button in as_persona("district_organiser").get(url).content.decode()
    assert button not in as_persona("standing").get(url).content.decode()
    assert button not in as_persona("ward_organiser").get(url).content.decode()


def test_opening_a_round_without_the_confirmation_changes_nothing(
    as_persona: Any, draft_round: Any
) -> None:
    client = as_persona("district_organiser")
    page = client.get(reverse("rounds:detail", args=[draft_round.pk])).content.decode()
    assert 'name="confirm" value="yes" required' in page
    url = reverse("rounds:transition", args=[draft_round.pk, "open"])
    response = client.post(url, follow=True)
    draft_round.refresh_from_db()
    assert draft_round.state == "draft"
    assert "Chưa có thay đổi nào" in response.content.decode()


def test_transitions_need_post(as_persona: Any, draft_round: Any) -> None:
    url = reverse("rounds:transition", args=[draft_round.pk, "open"])
    assert as_persona("district_organiser").get(url).status_code == 405


def test_the_ward_organiser_records_attendance_of_their_ward(
    as_persona: Any, ward_organiser: Any, draft_round: Any, wards: Any
) -> None:
    conference = Conference.objects.get(round=draft_round, unit=wards[0])
    url = reverse("rounds:conference", args=[conference.pk])
    response = as_persona("ward_organiser").post(url, {"invited": 120, "present": 111})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert (conference.invited_count, conference.present_count) == (120, 111)
    event = AuditEvent.objects.get(action="conference.attendance")
    assert event.actor == ward_organiser


def test_more_present_than_invited_is_refused_in_vietnamese(
    as_persona: Any, draft_round: Any, wards: Any
) -> None:
    conference = Conference.objects.get(round=draft_round, unit=wards[0])
    url = reverse("rounds:conference", args=[conference.pk])
    response = as_persona("district_organiser").post(url, {"invited": 10, "present": 11})
    assert "Số có mặt không được vượt số được mời." in response.content.decode()
    conference.refresh_from_db()
    assert conference.present_count == 0


@pytest.mark.parametrize("persona", ["counter", "standing", "leader"])
def test_roles_that_only_read_cannot_record_attendance(
    as_persona: Any, persona: str, draft_round: Any, wards: Any
) -> None:
    conference = Conference.objects.get(round=draft_round, unit=wards[0])
    url = reverse("rounds:conference", args=[conference.pk])
    assert as_persona(persona).get(url).status_code == 200
    assert "Ghi số người tham dự" not in as_persona(persona).get(url).content.decode()
    assert as_persona(persona).post(url, {"invited": 5, "present": 5}).status_code == 403
    conference.refresh_from_db()
    assert conference.invited_count == 0


def test_a_ward_organiser_gets_404_for_another_wards_conference(
    as_persona: Any, draft_round: Any, wards: Any
) -> None:
    other = Conference.objects.get(round=draft_round, unit=wards[1])
    url = reverse("rounds:conference", args=[other.pk])
    client = as_persona("ward_organiser")
    assert client.get(url).status_code == 404
    assert client.post(url, {"invited": 5, "present": 5}).status_code == 404
    other.refresh_from_db()
    assert other.invited_count == 0


def test_a_ward_organiser_gets_404_for_a_round_without_their_ward(
    as_persona: Any, district: Any, questionnaire: Any, wards: Any
) -> None:
    rnd = create_round(
        actor=None,
        organiser_unit=district,
        title="Đợt riêng",
        year=2026,
        number=5,
        questionnaire=questionnaire,
        position_types=PositionType.objects.all(),
        wards=wards[5:7],
    )
    client = as_persona("ward_organiser")
    assert client.get(reverse("rounds:detail", args=[rnd.pk])).status_code == 404
    assert client.get(reverse("rounds:live", args=[rnd.pk])).status_code == 404
    assert client.post(reverse("rounds:transition", args=[rnd.pk, "open"])).status_code == 404
    assert "Đợt riêng" not in client.get(reverse("rounds:list")).content.decode()


def test_a_leader_sees_only_their_own_conference(
    as_persona: Any, draft_round: Any, wards: Any
) -> None:
    own = Conference.objects.get(round=draft_round, unit=wards[0])
    other = Conference.objects.get(round=draft_round, unit=wards[1])
    client = as_persona("leader")
    html = client.get(reverse("rounds:detail", args=[draft_round.pk])).content.decode()
    assert reverse("rounds:conference", args=[own.pk]) in html
    assert reverse("rounds:conference", args=[other.pk]) not in html
    assert client.get(reverse("rounds:conference", args=[other.pk])).status_code == 404


def test_locked_rules_are_shown_read_only(
    as_persona: Any, open_round_: Any, district_organiser: Any, box: Any
) -> None:
    from phieukin.ballots.services import open_box

    open_box(actor=district_organiser, box=box)
    html = (
        as_persona("district_organiser")
        .get(reverse("rounds:detail", args=[open_round_.pk]))
        .content.decode()
    )
    assert "không thể thay đổi nữa" in html
    assert "<input" not in html.split("Quy tắc</h2>")[1]


def test_a_published_round_links_each_leader_to_their_report(
    as_persona: Any, draft_round: Any
) -> None:
    subject = draft_round.conferences.first().subjects.first()
    link = reverse("reports:leader", args=[draft_round.pk, subject.pk])
    url = reverse("rounds:detail", args=[draft_round.pk])
    assert link not in as_persona("district_organiser").get(url).content.decode()
    Round.objects.filter(pk=draft_round.pk).update(state="published")
    assert link in as_persona("district_organiser").get(url).content.decode()
