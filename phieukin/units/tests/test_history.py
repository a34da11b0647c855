"""History follows the map: 2022 rounds on the old wards, the 2025 reorganisation, 2026."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from phieukin.accounts.models import Membership, Role, User
from phieukin.ballots.models import Ballot, BallotSource
from phieukin.paper.printing import box_sheet_spec
from phieukin.questionnaires.models import Questionnaire
from phieukin.reports import history, selectors
from phieukin.reports.services import RoundReports, render_district_summary, render_leader_report
from phieukin.rounds.lifecycle import BoxState, RoundState
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.rounds.services import create_round
from phieukin.units.models import Position, PositionType, Unit
from phieukin.units.services import LONG_BIEN_2025, appoint_person, import_reorganisation

HELD_2022 = dt.date(2022, 11, 18)
HELD_2026 = dt.date(2026, 11, 21)
# Half "Tốt", half "Khá" (mean 3,5); half "Khá", half "Trung bình" (mean 2,5). Mixed, so
# no small unanimous group is shown in bands instead of figures.
GOOD = ("0" * 21, "1" * 21)
FAIR = ("1" * 21, "2" * 21)


def _ballots(rnd: Round, answers: tuple[str, str], n: int = 10) -> None:
    for subject in Subject.objects.filter(conference__round=rnd):
        box = BallotBox.objects.get(conference_id=subject.conference_id)
        Ballot.objects.bulk_create(
            Ballot(
                box=box,
                subject=subject,
                source=BallotSource.ONLINE,
                valid=True,
                answers=answers[i % 2],
            )
            for i in range(n)
        )
    # Stands in for the counting flow: the history only reads sealed boxes.
    BallotBox.objects.filter(conference__round=rnd).update(state=BoxState.SEALED.value)
    Round.objects.filter(pk=rnd.pk).update(state=RoundState.PUBLISHED.value)
    rnd.refresh_from_db()


def _round(organiser: Unit, wards: list[Unit], q: Questionnaire, title: str, day: dt.date) -> Round:
    year = day.year
    return create_round(
        actor=None,
        organiser_unit=organiser,
        title=title,
        year=year,
        number=2,
        questionnaire=q,
        position_types=PositionType.objects.all(),
        wards=wards,
        conference_date=day,
    )


@pytest.fixture
def story(district: Unit, wards: list[Unit], questionnaire: Questionnaire) -> dict[str, Any]:
    """Đợt II/2022 on 14 wards, the 01/07/2025 reorganisation, Đợt II/2026 on four wards."""
    old_round = _round(district, wards, questionnaire, "Đợt II/2022", HELD_2022)
    _ballots(old_round, FAIR)
    result = import_reorganisation(
        actor=None,
        text=LONG_BIEN_2025.read_text(encoding="utf-8"),
        carry_holders={
            "bo-de": "00139",
            "long-bien": "00145",
            "viet-hung": "00127",
            "phuc-loi": "00136",
        },
    )
    secretary = Position.objects.get(unit=result.created["phuc-loi"], type__key="bi_thu_dang_uy")
    appoint_person(
        actor=None, position=secretary, full_name="Đinh Văn Mới", start=dt.date(2026, 1, 1)
    )
    city = Unit.objects.get(code="01")
    new_wards = sorted(result.created.values(), key=lambda u: u.sort_key)
    new_round = _round(city, new_wards, questionnaire, "Đợt II/2026", HELD_2026)
    _ballots(new_round, GOOD)
    return {"old": old_round, "new": new_round, "city": city, **result.created}


def _secretary(rnd: Round, unit: Unit) -> Subject:
    return Subject.objects.get(
        conference__round=rnd, conference__unit=unit, position__type__key="bi_thu_dang_uy"
    )


def test_the_leader_of_the_new_bo_de_sees_2026_against_their_old_bo_de_result(
    story: dict[str, Any],
) -> None:
    subject = _secretary(story["new"], story["bo-de"])
    old = _secretary(story["old"], Unit.objects.get(code="00139"))
    assert subject.person_id == old.person_id
    report = RoundReports(story["new"]).leader(subject.pk)
    assert report.previous_round_title == "Đợt II/2022 — phường Bồ Đề cũ (một phần)"
    assert report.overall.mean == 3.5
    assert report.overall.previous_mean == 2.5
    notes = " ".join(report.disclosure.history)
    assert "Phường Bồ Đề đã được sắp xếp ngày 01/07/2025" in notes
    for label in (
        "phường Bồ Đề cũ (một phần)*: điểm trung bình 2,50 tại Đợt II/2022",
        "ghép từ phường Ngọc Lâm (toàn bộ)*",
        "ghép từ phường Gia Thụy (một phần)*",
        "ghép từ phường Ngọc Thụy (một phần)*",
    ):
        assert label in notes
    assert "Cự Khối" not in notes  # a predecessor of Long Biên, not of Bồ Đề
    text = _pdf_text(render_leader_report(subject=subject, fmt="pdf").data)
    assert "phường Bồ Đề cũ" in text and "Ngọc Lâm" in text


def test_a_new_holder_is_not_compared_with_someone_elses_result(story: dict[str, Any]) -> None:
    subject = _secretary(story["new"], story["phuc-loi"])
    assert subject.name == "Đinh Văn Mới"
    report = RoundReports(story["new"]).leader(subject.pk)
    assert report.previous_round_title == ""
    assert report.overall.previous_mean is None
    # The ward's own predecessors are still named, each with its own result.
    assert any("ghép từ phường Sài Đồng (toàn bộ)" in n for n in report.disclosure.history)
    chair = Subject.objects.get(
        conference__round=story["new"],
        conference__unit=story["phuc-loi"],
        position__type__key="chu_tich_ubnd",
    )
    assert RoundReports(story["new"]).leader(chair.pk).overall.previous_mean == 2.5


def test_the_2026_summary_says_the_2022_rounds_were_on_the_old_map(
    story: dict[str, Any],
) -> None:
    summary = RoundReports(story["new"]).summary()
    assert summary.trend.round_titles == ("Đợt II/2022 (bản đồ cũ, 14 đơn vị)", "Đợt II/2026")
    notes = " ".join(summary.disclosure.history)
    assert "Đợt II/2022 được tổ chức theo bản đồ trước khi sắp xếp" in notes
    assert "Phường Việt Hưng (từ 01/07/2025) được hình thành từ" in notes
    assert selectors.previous_round(story["new"]) == story["old"]


def test_a_ward_round_has_no_city_trend_but_its_predecessors(
    story: dict[str, Any], questionnaire: Questionnaire
) -> None:
    own = _round(story["bo-de"], [story["bo-de"]], questionnaire, "Đợt I/2027", dt.date(2027, 5, 5))
    assert selectors.earlier_rounds(own) == []
    assert any("ghép từ phường Ngọc Lâm" in n for n in history.history_notes(own))


def test_the_2022_results_drawn_on_the_2026_map_fall_on_the_successors(
    story: dict[str, Any],
) -> None:
    rows = {row.unit.name: row for row in history.round_on_map(story["old"], HELD_2026)}
    assert sorted(rows) == ["Bồ Đề", "Long Biên", "Phúc Lợi", "Việt Hưng"]
    bo_de = {part.source: part.relation for part in rows["Bồ Đề"].parts}
    assert bo_de["Phường Ngọc Lâm"] == "ghép từ phường Ngọc Lâm (toàn bộ)"
    assert bo_de["Phường Bồ Đề"] == "phường Bồ Đề cũ (một phần)"
    assert all(part.mean == 2.5 for part in rows["Bồ Đề"].parts)
    back = {row.unit.name: row for row in history.round_on_map(story["new"], HELD_2022)}
    assert "Ngọc Lâm" in back and back["Ngọc Lâm"].parts[0].source == "Phường Bồ Đề"
    same = history.round_on_map(story["new"], HELD_2026)
    assert [part.relation for row in same for part in row.parts] == [""] * 4


def test_the_map_page_draws_a_round_on_another_date(
    story: dict[str, Any], district_organiser: User
) -> None:
    Membership.objects.create(
        user=district_organiser, unit=story["city"], role=Role.DISTRICT_ORGANISER
    )
    client = Client()
    client.force_login(district_organiser)
    url = reverse("reports:map", args=[story["old"].pk]) + "?on=2026-11-21"
    html = client.get(url).content.decode()
    assert "ghép từ phường Ngọc Lâm (toàn bộ)" in html
    page = client.get(reverse("reports:round", args=[story["new"].pk])).content.decode()
    assert "bản đồ cũ" in page or "bản đồ trước khi sắp xếp" in page


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _docx_header(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    left, right = document.tables[0].rows[0].cells
    return [p.text for p in left.paragraphs] + [p.text for p in right.paragraphs]


def test_a_ward_organises_its_own_round_and_its_documents_carry_its_header(
    story: dict[str, Any], questionnaire: Questionnaire
) -> None:
    bo_de = story["bo-de"]
    office = User.objects.create_user(username="vanphong-bo-de-moi", password="pw")
    Membership.objects.create(user=office, unit=bo_de, role=Role.DISTRICT_ORGANISER)
    client = Client()
    client.force_login(office)
    form = client.get(reverse("rounds:create")).content.decode()
    assert "Phường Bồ Đề" in form or "Bồ Đề" in form
    response = client.post(
        reverse("rounds:create"),
        {
            "organiser": bo_de.pk,
            "title": "Đợt I/2027",
            "year": 2027,
            "number": 1,
            "questionnaire": questionnaire.pk,
            "wards": [bo_de.pk],
            "position_types": [t.pk for t in PositionType.objects.all()],
            "conference_date": "2027-05-05",
            "k_threshold": 5,
            "k_comments": 8,
            "flag_low_share": "0.2",
            "flag_mean_below": "3",
            "flag_analogy": "on",
            "blank_ballot_invalid": "on",
            "double_mark_policy": "unanswered",
            "target_participation": "0.9",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    own = Round.objects.get(organiser_unit=bo_de)
    assert [c.unit for c in own.conferences.all()] == [bo_de]
    _ballots(own, GOOD)
    subject = _secretary(own, bo_de)
    docx = _docx_header(render_leader_report(subject=subject, fmt="docx").data)
    assert docx[0] == "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"
    assert docx[1] == "ĐẢNG ỦY PHƯỜNG BỒ ĐỀ"
    assert docx[3].endswith("-BC/ĐU")
    assert any(line.startswith("Bồ Đề, ngày") for line in docx)
    pdf = _pdf_text(render_district_summary(round=own, fmt="pdf").data)
    assert "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI" in pdf and "ĐẢNG ỦY PHƯỜNG BỒ ĐỀ" in pdf
    assert "Bồ Đề, ngày" in pdf
    spec = box_sheet_spec(BallotBox.objects.get(conference__round=own))
    assert (spec.superior, spec.issuer) == ("ĐẢNG BỘ THÀNH PHỐ HÀ NỘI", "ĐẢNG ỦY PHƯỜNG BỒ ĐỀ")


def test_a_city_round_and_a_2022_district_round_are_issued_by_their_departments(
    story: dict[str, Any],
) -> None:
    city = selectors.document_head(story["new"])
    assert (city.superior, city.issuer, city.place) == (
        "THÀNH ỦY HÀ NỘI",
        "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "Hà Nội",
    )
    assert city.number.endswith("-BC/BTGDVTU")
    old = selectors.document_head(story["old"])
    # The district's propaganda department issues under its committee (HD 36: the upper
    # line is the body directly above the issuer) and reports to the Standing Committee.
    assert (old.superior, old.issuer, old.place) == (
        "QUẬN ỦY LONG BIÊN",
        "BAN TUYÊN GIÁO",
        "Long Biên",
    )
    assert old.number.endswith("-BC/BTGQU")
    assert old.addressee == "Ban Thường vụ Quận ủy Long Biên"
    docx = _docx_header(render_district_summary(round=story["new"], fmt="docx").data)
    assert docx[:2] == ["THÀNH ỦY HÀ NỘI", "BAN TUYÊN GIÁO VÀ DÂN VẬN"]


def test_a_round_cannot_cover_a_ward_that_did_not_exist_on_its_date(
    story: dict[str, Any], questionnaire: Questionnaire
) -> None:
    from phieukin.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        _round(story["city"], [Unit.objects.get(code="00133")], questionnaire, "X", HELD_2026)
    assert caught.value.code == "unit_not_valid"


def test_open_box_by_name_takes_todays_ward_when_an_old_one_shares_the_name(
    story: dict[str, Any], tmp_path: Any
) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    Round.objects.filter(pk=story["new"].pk).update(state=RoundState.OPEN.value)
    BallotBox.objects.filter(
        conference__round=story["new"], conference__unit=story["bo-de"]
    ).update(state=BoxState.PREPARED.value)
    Ballot.objects.filter(box__conference__round=story["new"]).delete()
    out = io.StringIO()
    codes = tmp_path / "codes.txt"
    call_command(
        "open_box", "--ward", "Bồ Đề", "--codes", "3", "--codes-out", str(codes), stdout=out
    )
    box = BallotBox.objects.get(pk=int(out.getvalue().split()[-1]))
    assert box.conference.unit == story["bo-de"] and box.state == BoxState.OPEN.value
    assert len(codes.read_text().split()) == 3
    with pytest.raises(CommandError, match="Ngọc Lâm"):
        call_command("open_box", "--ward", "Ngọc Lâm")


def test_the_api_lists_the_units_of_a_date_with_their_predecessors(
    story: dict[str, Any], district_organiser: User
) -> None:
    from phieukin.api.auth import create_api_token

    Membership.objects.create(
        user=district_organiser, unit=story["city"], role=Role.DISTRICT_ORGANISER
    )
    token = create_api_token(user=district_organiser, name="test")
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    old = client.get("/api/v1/admin/units?on=2022-11-18", headers=headers).json()
    assert len([u for u in old if u["kind"] == "ward"]) == 14
    district = next(u for u in old if u["code"] == "004")
    assert {u["parent"] for u in old if u["kind"] == "ward"} == {district["id"]}
    new = client.get("/api/v1/admin/units?on=2026-11-21", headers=headers).json()
    wards = {u["name"]: u for u in new if u["kind"] == "ward"}
    assert sorted(wards) == ["Bồ Đề", "Long Biên", "Phúc Lợi", "Việt Hưng"]
    labels = {p["label"] for p in wards["Bồ Đề"]["predecessors"]}
    assert "ghép từ phường Ngọc Lâm (toàn bộ)" in labels
    assert client.get("/api/v1/admin/units").status_code == 401
