"""Golden tests: the files read back give exactly the engine's figures for a sealed round."""

from __future__ import annotations

import pytest

from phieukin.reports import formatting as fmt
from phieukin.reports import selectors
from phieukin.reports.services import RoundReports, render_district_summary, render_leader_report
from phieukin.reports.tests.helpers import docx_table_rows, docx_text, pdf_text, workbook
from phieukin.rounds.models import Round, Subject
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


def _first_subject(rnd: Round, wards: list[Unit], index: int = 0, order: int = 1) -> Subject:
    return Subject.objects.get(conference__round=rnd, conference__unit=wards[index], order=order)


def test_the_engine_releases_ward_zero_and_one_and_withholds_ward_two(
    sealed_round: Round, wards: list[Unit]
) -> None:
    tally = selectors.round_tally(sealed_round)
    shown = {s.subject: s.total.figures is not None for w in tally.wards for s in w.subjects}
    ward_two = Subject.objects.filter(conference__round=sealed_round, conference__unit=wards[2])
    assert all(not shown[s.pk] for s in ward_two)
    assert shown[_first_subject(sealed_round, wards).pk]


def test_docx_xlsx_and_pdf_give_the_engine_figures_for_each_item(
    sealed_round: Round, wards: list[Unit]
) -> None:
    subject = _first_subject(sealed_round, wards)
    tally = selectors.round_tally(sealed_round)
    figures = tally.subject(subject.pk).total.figures
    assert figures is not None
    reports = RoundReports(sealed_round)
    docx = render_leader_report(subject=subject, fmt="docx", reports=reports).data
    xlsx = render_leader_report(subject=subject, fmt="xlsx", reports=reports).data
    pdf = render_leader_report(subject=subject, fmt="pdf", reports=reports).data

    rows = {r[0]: r for r in docx_table_rows(docx) if r and r[0].isdigit()}
    sheet = list(workbook(xlsx).worksheets[1].iter_rows(values_only=True))
    by_number = {r[0]: r for r in sheet if isinstance(r[0], int)}
    header = next(r for r in sheet if r and "Điểm TB" in r)
    count_columns = [i for i, h in enumerate(header) if str(h).endswith("(số ý kiến)")]
    mean_column = header.index("Điểm TB")
    text = pdf_text(pdf)
    n_options = len(figures.items[0].options)
    for number, item in enumerate(figures.items, start=1):
        counts = [o.count for o in item.options]
        # DOCX: "count\npercent" for scored options, then mean and low share.
        row = rows[str(number)]
        for cell, option in zip(row[2 : 2 + n_options], item.options, strict=True):
            assert cell.split("\n")[0] == fmt.count(option.count)
            if option.percent is not None:
                assert cell.split("\n")[1] == fmt.percent(option.percent / 100)
        assert row[2 + n_options] == fmt.number(item.mean)
        assert row[3 + n_options] == fmt.percent(item.low_share)
        # XLSX: raw counts under "(số ý kiến)" headers, the mean rounded to two decimals.
        xrow = by_number[number]
        assert [xrow[i] for i in count_columns] == counts
        assert item.mean is not None
        assert xrow[mean_column] == round(item.mean, 2)
        # PDF: the mean printed for the item.
        assert fmt.number(item.mean) in text
    assert fmt.number(figures.mean) in docx_text(docx)
    assert str(figures.ballots) in docx_text(docx)


def test_flagged_items_and_the_flag_rule_are_printed(
    sealed_round: Round, wards: list[Unit]
) -> None:
    subject = _first_subject(sealed_round, wards)
    figures = selectors.round_tally(sealed_round).subject(subject.pk).total.figures
    assert figures is not None
    flagged = [n for n, item in enumerate(figures.items, start=1) if item.flags]
    assert flagged, "the fixture flags at least the first item"
    text = docx_text(render_leader_report(subject=subject, fmt="docx").data)
    assert "Tiêu chí của đợt: một nội dung được nêu là tồn tại, hạn chế khi" in text
    assert fmt.percent(0.2, 0) in text and "3,00" in text
    for number in flagged:
        prefix = "- Làm rõ nguyên nhân, đề ra biện pháp, người thực hiện và thời hạn khắc phục"
        assert f"{prefix}: {number}." in text


def test_comments_appear_only_from_k_comments_ballots(
    sealed_round: Round, wards: list[Unit]
) -> None:
    many = _first_subject(sealed_round, wards, 0)  # 12 ballots ≥ k_comments = 8
    few = _first_subject(sealed_round, wards, 1)  # 6 ballots: figures, no comments
    text_many = docx_text(render_leader_report(subject=many, fmt="docx").data)
    text_few = pdf_text(render_leader_report(subject=few, fmt="pdf").data)
    assert "Đồng chí cần gần dân hơn nữa." in text_many
    assert "Đồng chí cần gần dân hơn nữa." not in text_few
    assert "không công bố đối với đồng chí này" in text_few.replace("\r\n", " ").replace("\n", " ")


def test_a_withheld_leader_report_shows_no_figure_in_any_format(
    sealed_round: Round, wards: list[Unit]
) -> None:
    subject = _first_subject(sealed_round, wards, 2, order=2)  # 3 ballots < k
    reports = RoundReports(sealed_round)
    docx = render_leader_report(subject=subject, fmt="docx", reports=reports).data
    rows = docx_table_rows(docx)
    assert not any(r[0] == "1" for r in rows), "no item table"
    assert "không công bố kết quả" in docx_text(docx)
    pdf = pdf_text(render_leader_report(subject=subject, fmt="pdf", reports=reports).data)
    assert "KẾT QUẢ THEO TỪNG NỘI DUNG" not in pdf
    xlsx = workbook(render_leader_report(subject=subject, fmt="xlsx", reports=reports).data)
    participation = list(xlsx.worksheets[0].iter_rows(values_only=True))[-1]
    assert participation[-2:] == (fmt.SUPPRESSED_MARK, fmt.SUPPRESSED_MARK)
    assert len(xlsx.sheetnames) == 2  # participation and rules only


def test_the_summary_workbook_holds_every_level_and_ballots_without_comments(
    sealed_round: Round, wards: list[Unit]
) -> None:
    data = render_district_summary(round=sealed_round, fmt="xlsx").data
    wb = workbook(data)
    assert len(wb.sheetnames) == 8
    ballots = list(wb[wb.sheetnames[6]].iter_rows(values_only=True))
    header, body = ballots[0], ballots[1:]
    # Ward 0 (22 valid + 2 invalid) and ward 1 (12 + 2) are listed; ward 2's box has ≥ k
    # ballots but its leaders' figures are withheld, so none of its ballots is.
    assert len(body) == 24 + 14
    assert not any(row[0] == "Phường Đức Giang" for row in body)
    flat = " ".join(str(v) for row in ballots for v in row)
    assert "Đồng chí cần gần dân hơn nữa." not in flat
    assert header[0] == "Phường"
    matrix = list(wb[wb.sheetnames[3]].iter_rows(values_only=True))
    tally = selectors.round_tally(sealed_round)
    subject = _first_subject(sealed_round, wards)
    figures = tally.subject(subject.pk).total.figures
    assert figures is not None
    column = [r[2] for r in matrix[1:]]
    assert column == [pytest.approx(i.mean, abs=0.005) for i in figures.items]
    by_ward = list(wb[wb.sheetnames[4]].iter_rows(values_only=True))
    ward_zero = next(w for w in tally.wards if w.unit == wards[0].pk).total.figures
    assert ward_zero is not None and tally.total.figures is not None
    assert [r[2] for r in by_ward[1:]] == [
        pytest.approx(i.mean, abs=0.005) for i in ward_zero.items
    ]
    district = [pytest.approx(i.mean, abs=0.005) for i in tally.total.figures.items]
    assert [r[-1] for r in by_ward[1:]] == district
    withheld = _first_subject(sealed_round, wards, 2, order=2)
    column_index = 2 + [s.id for s in RoundReports(sealed_round).meta.subjects].index(withheld.pk)
    assert {r[column_index] for r in matrix[1:]} == {fmt.SUPPRESSED_MARK}


def test_the_district_summary_pdf_lists_participation_against_the_target(
    sealed_round: Round, wards: list[Unit]
) -> None:
    text = pdf_text(render_district_summary(round=sealed_round, fmt="pdf").data)
    assert "TỶ LỆ THAM GIA THEO PHƯỜNG" in text
    # pdfium gives the no-break space of "93,3 %" back as a plain space.
    text = text.replace("\u00a0", " ")
    assert "93,3 %" in text and "86,7 %" in text  # 28/30 and 26/30
    assert "Đạt chỉ tiêu" in text


def test_the_report_compares_with_the_previous_round_and_shows_the_trend(
    sealed_round: Round, district: Unit, wards: list[Unit], questionnaire: object
) -> None:
    from phieukin.reports.tests.conftest import previous_round_filled
    from phieukin.rounds.selectors import round_day

    earlier = previous_round_filled(district, wards, questionnaire)
    subject = _first_subject(sealed_round, wards)
    before = Subject.objects.get(conference__round=earlier, position=subject.position)
    old = selectors.round_tally(earlier).subject(before.pk).total.figures
    assert old is not None and old.mean is not None
    reports = RoundReports(sealed_round)
    content = reports.leader(subject.pk)
    assert content.previous_round_title == "Đợt I/2026"
    assert content.overall.previous_mean == pytest.approx(old.mean)
    text = docx_text(render_leader_report(subject=subject, fmt="docx", reports=reports).data)
    assert "Đợt I/2026" in text and fmt.number(old.mean) in text
    summary = reports.summary()
    assert summary.trend.round_titles == ("Đợt I/2026", "Đợt II/2026")
    assert all(mean is not None for mean in summary.trend.means)
    # Each round is placed on the chart's time axis by the day it was held.
    assert summary.trend.dates == (round_day(earlier), round_day(sealed_round))


def test_the_ballots_sheet_leaves_out_a_leader_shown_only_in_bands(
    sealed_round: Round, wards: list[Unit]
) -> None:
    from phieukin.ballots.models import Ballot

    banded = _first_subject(sealed_round, wards, 1)  # 6 ballots: a small group
    sibling = _first_subject(sealed_round, wards, 1, order=2)
    exact = _first_subject(sealed_round, wards, 0)
    width = sealed_round.questionnaire.items.count()
    Ballot.objects.filter(subject=banded, valid=True).update(answers="0" * width)
    tally = selectors.round_tally(sealed_round)
    figures = tally.subject(banded.pk).total.figures
    assert figures is not None and all(i.banded for i in figures.items)
    # The ward equals its two leaders: the sibling is banded too, or it would give it back.
    other = tally.subject(sibling.pk).total.figures
    assert other is not None and any(i.banded for i in other.items)
    wb = workbook(render_district_summary(round=sealed_round, fmt="xlsx").data)
    sheet = wb[wb.sheetnames[6]]
    body = list(sheet.iter_rows(values_only=True))[1:]
    leaders = {row[1] for row in body}
    assert banded.person.full_name not in leaders
    assert sibling.person.full_name not in leaders
    assert exact.person.full_name in leaders
    assert len(body) == 24  # ward 0 only: 22 valid and 2 invalid ballots
    assert sheet["A1"].value == "Phường"
    assert sheet["A1"].comment is not None
    assert "dạng khoảng tỷ lệ" in sheet["A1"].comment.text


def test_the_ward_sheet_gives_no_mean_of_a_unanimous_ward_of_fewer_than_2k_people(
    sealed_round: Round, wards: list[Unit]
) -> None:
    from phieukin.ballots.models import Ballot

    # Ward 1: 6 respondents rated each of its 2 leaders "Yếu" everywhere: 12 sheets, but
    # 6 people (< 2k = 10), so a mean of 1.0 would give every vote away.
    width = sealed_round.questionnaire.items.count()
    Ballot.objects.filter(box__conference__unit=wards[1], valid=True).update(answers="3" * width)
    wb = workbook(render_district_summary(round=sealed_round, fmt="xlsx").data)
    by_ward = list(wb[wb.sheetnames[4]].iter_rows(values_only=True))
    column = by_ward[0].index(wards[1].full_name or wards[1].name)
    assert {r[column] for r in by_ward[1:]} == {fmt.SUPPRESSED_MARK}
    ward_zero = by_ward[0].index(wards[0].full_name or wards[0].name)
    assert fmt.SUPPRESSED_MARK not in {r[ward_zero] for r in by_ward[1:]}, by_ward
