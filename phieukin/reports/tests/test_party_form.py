"""Golden tests of the reports' Party form (HD 36), read back from the PDF and DOCX files.

The district's round is issued by its propaganda department under the district committee,
addressed to the Standing Committee, opens with the plan it carries out, prints "MẬT"
under the number of a leader's report, labels people and sheets, and never cuts or
doubles a full stop.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from docx.shared import Pt

from phieukin.reports.services import RoundReports, render_district_summary, render_leader_report
from phieukin.rounds.models import Round, Subject
from phieukin.rounds.services import record_round_plan
from phieukin.testing.documents import (
    DATE_LINE,
    docx_all_text,
    docx_header_cells,
    docx_runs_of,
    pdf_find,
    pdf_pages,
)
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db

PLAN = "Thực hiện Kế hoạch số 104-KH/QU ngày 11/02/2026 của Ban Thường vụ Quận ủy Long Biên"


@pytest.fixture
def planned_round(sealed_round: Round) -> Round:
    record_round_plan(
        actor=None,
        round=sealed_round,
        number="104-KH/QU",
        day=dt.date(2026, 2, 11),
        issuer="Ban Thường vụ Quận ủy Long Biên",
    )
    sealed_round.refresh_from_db()
    return sealed_round


def _flat(text: str) -> str:
    return " ".join(text.split())


def _subject(rnd: Round, wards: list[Unit]) -> Subject:
    return Subject.objects.get(conference__round=rnd, conference__unit=wards[0], order=1)


def test_the_summary_is_issued_by_the_department_to_the_standing_committee(
    planned_round: Round,
) -> None:
    docx = render_district_summary(round=planned_round, fmt="docx").data
    left, right = docx_header_cells(docx)
    assert left[:3] == ["QUẬN ỦY LONG BIÊN", "BAN TUYÊN GIÁO", "*"]
    assert re.fullmatch(r"Số\s+-BC/BTGQU", left[3])
    assert "MẬT" not in left  # the summary is not marked secret
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert DATE_LINE.fullmatch(right[-1]) and right[-1].startswith("Long Biên, ngày ")
    text = docx_all_text(docx)
    assert "Kính gửi: Ban Thường vụ Quận ủy Long Biên" in text
    assert PLAN + ", Ban Tuyên giáo báo cáo kết quả Đợt II/2026" in text
    assert "K/T TRƯỞNG BAN" in text and "PHÓ TRƯỞNG BAN" in text
    assert "T/M BAN THƯỜNG VỤ" not in text  # the department signs, not the committee
    for run in docx_runs_of(docx, "K/T TRƯỞNG BAN") + docx_runs_of(docx, "PHÓ TRƯỞNG BAN"):
        assert run.bold and run.font.size == Pt(14)

    pdf = render_district_summary(round=planned_round, fmt="pdf").data
    flat = _flat("\n".join(pdf_pages(pdf)))
    assert "Kính gửi: Ban Thường vụ Quận ủy Long Biên" in flat
    assert PLAN in flat
    superior, issuer = pdf_find(pdf, "QUẬN ỦY LONG BIÊN"), pdf_find(pdf, "BAN TUYÊN GIÁO")
    assert superior and issuer and issuer.top < superior.bottom  # upper line, then lower
    assert pdf_find(pdf, "-BC/BTGQU")


def test_the_summary_counts_people_and_sheets_apart(planned_round: Round) -> None:
    text = docx_all_text(render_district_summary(round=planned_round, fmt="docx").data)
    assert "Có mặt (người)" in text and "Hợp lệ (phiếu)" in text
    assert "mỗi người điền một phiếu cho mỗi đồng chí trong 2 đồng chí" in text


def test_no_criterion_is_cut_and_no_line_ends_in_two_stops(
    planned_round: Round, wards: list[Unit]
) -> None:
    reports = RoundReports(planned_round)
    subject = _subject(planned_round, wards)
    files = [
        render_district_summary(round=planned_round, fmt="docx").data,
        render_leader_report(subject=subject, fmt="docx", reports=reports).data,
    ]
    item = planned_round.questionnaire.items.order_by("order").first()
    assert item is not None
    for data in files:
        text = docx_all_text(data)
        assert "…" not in text
        assert not [line for line in text.splitlines() if line.rstrip().endswith("..")]
    # The flagged first item is printed whole in the leader's suggested points.
    assert item.text.rstrip(".") in docx_all_text(files[1])


def test_a_leader_report_is_secret_under_its_number_and_addressed_to_the_comrade(
    planned_round: Round, wards: list[Unit]
) -> None:
    subject = _subject(planned_round, wards)
    reports = RoundReports(planned_round)
    docx = render_leader_report(subject=subject, fmt="docx", reports=reports).data
    left, _right = docx_header_cells(docx)
    assert left[:3] == ["QUẬN ỦY LONG BIÊN", "BAN TUYÊN GIÁO", "*"]
    assert left[-1] == "MẬT"  # under the number, inside the heading, nothing above it
    text = docx_all_text(docx)
    assert f"Kính gửi: Đồng chí {subject.name}, {subject.title}" in text
    assert PLAN + ", ngày " in text

    pdf = render_leader_report(subject=subject, fmt="pdf", reports=reports).data
    number, mark = pdf_find(pdf, "-BC/BTGQU"), pdf_find(pdf, "MẬT")
    heading = pdf_find(pdf, "QUẬN ỦY LONG BIÊN")
    assert number and mark and heading
    assert mark.page == 0 and mark.top < number.bottom and mark.top < heading.bottom
    assert abs(mark.centre_x - number.centre_x) < 30
    flat = _flat("\n".join(pdf_pages(pdf)))
    assert f"Kính gửi: Đồng chí {subject.name}" in flat
    assert PLAN in flat


def test_a_round_without_a_plan_still_opens_with_what_it_carries_out(
    sealed_round: Round,
) -> None:
    text = docx_all_text(render_district_summary(round=sealed_round, fmt="docx").data)
    assert "Thực hiện kế hoạch Đợt II/2026, Ban Tuyên giáo báo cáo" in text
