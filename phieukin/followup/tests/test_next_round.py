"""The next round's report shows what the plan promised and how each rating moved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.followup import selectors, services
from phieukin.followup.outcome import Movement, movement
from phieukin.followup.tests.conftest import complete_measures
from phieukin.questionnaires.models import Questionnaire
from phieukin.reports.tests import helpers as report_files
from phieukin.reports.tests.conftest import previous_round_filled
from phieukin.rounds.models import Round, Subject
from phieukin.rounds.services import publish_round
from phieukin.tallying import selectors as tallying
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(district: Unit, wards: list[Unit], questionnaire: Questionnaire) -> Round:
    return publish_round(actor=None, round=previous_round_filled(district, wards, questionnaire))


def _approved_plan_in(rnd: Round, leader: User, organiser: User) -> Subject:
    subject = Subject.objects.get(conference__round=rnd, person_id=leader.person_id or 0)
    plan = services.start_plan(actor=leader, subject=subject)
    complete_measures(plan, leader, dt.date(2026, 9, 30))
    services.submit_plan(actor=leader, plan=plan)
    services.approve_plan(actor=organiser, plan=plan)
    return subject


def test_each_promised_item_is_compared_with_the_previous_round(
    earlier: Round, published_round: Round, leader: User, district_organiser: User
) -> None:
    before_subject = _approved_plan_in(earlier, leader, district_organiser)
    now = Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)
    result = selectors.plan_outcome(now)
    assert result is not None and result.previous_round == earlier
    flagged = [f.key for f in selectors.flagged_items(before_subject)]
    assert [row.promise.item_key for row in result.items] == flagged
    before = tallying.subject_tally(before_subject).total.figures
    after = tallying.subject_tally(now).total.figures
    assert before is not None and after is not None
    for row in result.items:
        b = next(f.mean for f in before.items if f.key == row.promise.item_key)
        a = next(f.mean for f in after.items if f.key == row.promise.item_key)
        assert (row.before, row.after) == (b, a)
        assert row.movement == movement(b, a)
        assert row.movement != Movement.UNKNOWN
    assert result.caution  # 12 ballots is few


def test_there_is_no_comparison_without_an_approved_plan(
    earlier: Round, published_round: Round, leader: User
) -> None:
    subject = Subject.objects.get(conference__round=earlier, person_id=leader.person_id or 0)
    services.start_plan(actor=leader, subject=subject)  # a draft binds nobody
    now = Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)
    assert selectors.plan_outcome(now) is None


def test_the_leaders_report_page_shows_the_comparison(
    earlier: Round,
    published_round: Round,
    leader: User,
    district_organiser: User,
    client: Client,
) -> None:
    _approved_plan_in(earlier, leader, district_organiser)
    now = Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)
    client.force_login(leader)
    page = client.get(reverse("reports:leader", args=[published_round.pk, now.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="plan-outcome"' in html
    assert "Tổ chức đối thoại trực tiếp với Nhân dân hằng quý" in html
    assert "movement-" in html


def _download(client: Client, subject: Subject, fmt: str) -> bytes:
    response = client.get(
        reverse("reports:leader_download", args=[subject.conference.round_id, subject.pk, fmt])
    )
    assert response.status_code == 200
    return response.content


def _flat(text: str) -> str:
    return " ".join(text.split())


def _files(client: Client, subject: Subject) -> dict[str, str]:
    """Return the text of the leader's report as PDF, DOCX and XLSX (every sheet's cells)."""
    book = report_files.workbook(_download(client, subject, "xlsx"))
    cells = [
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    return {
        "pdf": _flat(report_files.pdf_text(_download(client, subject, "pdf"))),
        "docx": _flat(report_files.docx_text(_download(client, subject, "docx"))),
        "xlsx": _flat("\n".join(cells)),
    }


def test_the_report_files_print_the_comparison_item_by_item_in_vietnamese(
    earlier: Round,
    published_round: Round,
    leader: User,
    district_organiser: User,
    client: Client,
) -> None:
    _approved_plan_in(earlier, leader, district_organiser)
    now = Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)
    result = selectors.plan_outcome(now)
    assert result is not None and result.caution
    client.force_login(leader)
    files = _files(client, now)
    for fmt, text in files.items():
        assert "chuyển biến trong đánh giá".upper() in text.upper(), fmt
        assert "Lưu ý: số phiếu ít" in text, fmt  # 12 ballots: the caution is printed
        assert f"Kế hoạch khắc phục sau {earlier.title}" in text, fmt
        assert "Điểm TB đợt trước" in text and "Biện pháp đã cam kết" in text, fmt
        for row in result.items:
            assert row.before is not None and row.after is not None
            # Vietnamese number format: decimal comma, never a point.
            before = f"{row.before:.2f}".replace(".", ",")
            after = f"{row.after:.2f}".replace(".", ",")
            assert before in text and after in text, fmt
            word = {"better": "tiến bộ", "same": "không đổi", "worse": "giảm"}[row.movement]
            assert word in text, fmt
        assert "Tổ chức đối thoại" in text, fmt
    # In the table itself (DOCX cells): the promise, the means and the movement of each item.
    rows = report_files.docx_table_rows(_download(client, now, "docx"))
    printed = [r for r in rows if r and r[0] in {row.promise.item_text for row in result.items}]
    assert len(printed) == len(result.items)
    for cells, row in zip(printed, result.items, strict=True):
        assert cells[1].startswith("Tổ chức đối thoại trực tiếp với Nhân dân hằng quý")
        assert cells[3] == f"{row.before:.2f}".replace(".", ",")
        assert cells[6].endswith(" *")  # the caution on each movement


def test_the_report_files_have_no_comparison_for_a_leader_without_a_plan(
    earlier: Round, published_round: Round, leader: User, client: Client
) -> None:
    subject = Subject.objects.get(conference__round=earlier, person_id=leader.person_id or 0)
    services.start_plan(actor=leader, subject=subject)  # a draft binds nobody
    now = Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)
    client.force_login(leader)
    for fmt, text in _files(client, now).items():
        assert "chuyển biến trong đánh giá".upper() not in text.upper(), fmt
        assert "Biện pháp đã cam kết" not in text, fmt
        assert "Điểm TB đợt trước" not in text, fmt
