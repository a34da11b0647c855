"""The scan reader's checks of a round as a spreadsheet, and the words they are read in.

The page, the XLSX and ``manage.py reader_checks`` say the same: the columns below, a row
per ward, the sum, and the sentence on what the sum proves (:func:`conclusion`). Files
and the command line are in Vietnamese whatever the browser's language, as the product's
other documents are.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from phieukin.core.spreadsheets import neutralise_workbook
from phieukin.core.templatetags.phieukin_tags import thousands
from phieukin.paper.selectors import SCAN_CHECK_FIGURES, ReaderCheckReport, ReaderCheckRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "Kiểm tra máy đọc phiếu quét"
COLUMNS = (
    "Phường, xã",
    "Hòm phiếu",
    "Phiếu quét",
    "Phiếu kiểm tra ngẫu nhiên",
    "Câu đã đối chiếu với phiếu giấy",
    "Câu phiếu giấy khác kết quả máy đọc",
    "Phiếu có câu khác máy đọc",
    "Khi xem lại, câu máy đọc không có nghi vấn được xác nhận",
    "Trong đó đã sửa",
)
TOTAL = "Tổng cộng"


def state_of(row: ReaderCheckRow) -> str:
    """Return the row's box state in words (empty for the sum)."""
    if row.box is None:
        return ""
    return "đã niêm phong" if row.sealed else "chưa niêm phong"


def figures(row: ReaderCheckRow) -> list[int]:
    """Return the row's counts in the order of :data:`COLUMNS` (after ward and state)."""
    return [row.scanned, *(getattr(row, name) for name in SCAN_CHECK_FIGURES)]


def conclusion(report: ReaderCheckReport) -> str:
    """Return what the sum proves about the reader, in Vietnamese."""
    total = report.total
    if total is None:
        return "Chưa có phiếu nào được quét."
    if not report.one_in:
        return (
            "Chưa có phiếu quét nào được đối chiếu với phiếu giấy: chưa biết tỷ lệ sai của máy đọc."
        )
    return (
        f"Phiếu giấy khác máy đọc ở {thousands(total.spot_differences)} trong "
        f"{thousands(total.spot_items)} câu đã kiểm tra. Với độ tin cậy 95 %, máy đọc sai "
        f"không quá 1 trong {thousands(report.one_in)} câu trên phiếu máy đọc không có nghi vấn."
    )


def reader_checks_xlsx(report: ReaderCheckReport, round_title: str) -> bytes:
    """Return the report as an XLSX workbook: title, header, a row per ward, the sum."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Kiểm tra máy đọc"
    sheet.append([f"{TITLE} — {round_title}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append([conclusion(report)])
    sheet.append(list(COLUMNS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in report.rows:
        assert row.box is not None
        sheet.append([row.box.conference.unit.name, state_of(row), *figures(row)])
    if report.total is not None:
        sheet.append([TOTAL, "", *figures(report.total)])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for row_cells in sheet.iter_rows(min_row=4, min_col=3):
        for cell in row_cells:
            cell.number_format = "#,##0"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 16
    for letter in "CDEFGHI":
        sheet.column_dimensions[letter].width = 16
    sheet.freeze_panes = "B4"
    neutralise_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
