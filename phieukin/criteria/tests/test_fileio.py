"""Criteria files: YAML and XLSX parse to the same set; mistakes name their line or row."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from phieukin.criteria.fileio import (
    CriteriaFileError,
    dump_yaml,
    parse_file,
    parse_xlsx,
    parse_yaml,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "criteria-chuyen-nghiep.yaml"

SMALL = """\
code: demo
version: 2
title: Bộ tiêu chí thử
levels:
  - {key: tot, label: Tốt, min_percent: 80}
  - {key: dat, label: Đạt, min_percent: 0}
groups:
  - key: A
    title: Nhóm A
    criteria:
      - {key: A1, text: Tiêu chí một, max_score: 10}
      - {key: A2, text: Tiêu chí hai, max_score: 5}
"""


def _workbook(criteria_rows: list[list[object]], levels: list[list[object]] | None = None) -> bytes:
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "Bộ tiêu chí"
    for row in (["code", "demo"], ["version", 2], ["title", "Bộ tiêu chí thử"]):
        info.append(row)
    lv = wb.create_sheet("Mức xếp loại")
    lv.append(["key", "label", "min_percent"])
    for row in levels or [["tot", "Tốt", 80], ["dat", "Đạt", 0]]:
        lv.append(row)
    cr = wb.create_sheet("Tiêu chí")
    cr.append(["group_key", "group_title", "key", "text", "max_score"])
    for row in criteria_rows:
        cr.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_the_sample_set_parses_with_levels_best_first() -> None:
    spec = parse_yaml(SAMPLE.read_text(encoding="utf-8"))
    assert spec.code == "tieu-chi-chuyen-nghiep"
    assert len(spec.criteria) == 10 and spec.total_points == 100
    assert [lv.min_percent for lv in spec.levels] == [90, 75, 50, 0]


def test_a_dumped_set_reads_back_equal() -> None:
    spec = parse_yaml(SAMPLE.read_text(encoding="utf-8"))
    assert parse_yaml(dump_yaml(spec)) == spec


def test_xlsx_and_yaml_give_the_same_set() -> None:
    data = _workbook(
        [["A", "Nhóm A", "A1", "Tiêu chí một", 10], ["A", "Nhóm A", "A2", "Tiêu chí hai", 5]]
    )
    assert parse_xlsx(data) == parse_yaml(SMALL)
    assert parse_file("bo-tieu-chi.XLSX", data) == parse_file("bo.yaml", SMALL.encode())


def test_a_repeated_criterion_names_its_yaml_line() -> None:
    text = SMALL.replace("key: A2", "key: A1")
    with pytest.raises(CriteriaFileError) as error:
        parse_yaml(text)
    assert error.value.line == 12
    assert str(error.value).startswith("line 12:")
    assert "A1" in str(error.value)


def test_a_score_out_of_range_names_its_sheet_and_row() -> None:
    data = _workbook([["A", "Nhóm A", "A1", "Tiêu chí một", 10], ["A", "Nhóm A", "A2", "Hai", 500]])
    with pytest.raises(CriteriaFileError) as error:
        parse_xlsx(data)
    assert (error.value.sheet, error.value.line) == ("Tiêu chí", 3)
    assert "max_score" in str(error.value)


def test_levels_must_end_at_zero_so_every_result_has_one() -> None:
    data = _workbook(
        [["A", "Nhóm A", "A1", "Một", 10]], levels=[["tot", "Tốt", 80], ["dat", "Đạt", 40]]
    )
    with pytest.raises(CriteriaFileError) as error:
        parse_xlsx(data)
    assert (error.value.sheet, error.value.line) == ("Mức xếp loại", 3)


def test_broken_yaml_and_foreign_files_are_refused_with_a_reason() -> None:
    with pytest.raises(CriteriaFileError) as error:
        parse_yaml("code: [unclosed\n")
    assert error.value.line is not None
    with pytest.raises(CriteriaFileError):
        parse_file("notes.txt", b"hello")
    with pytest.raises(CriteriaFileError):
        parse_xlsx(b"not a workbook")


def test_a_missing_column_is_reported_on_the_first_row() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "set"
    ws.append(["code", "x"])
    ws.append(["title", "T"])
    wb.create_sheet("levels").append(["key", "label"])
    wb.create_sheet("criteria").append(["key", "text"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with pytest.raises(CriteriaFileError) as error:
        parse_xlsx(buffer.getvalue())
    assert (error.value.sheet, error.value.line) == ("levels", 1)
    assert "min_percent" in str(error.value)
