"""Spreadsheet output that never carries a live formula from user text.

Names, item texts and comments come from people; a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return may be run as a formula by Excel or LibreOffice.
XLSX: :func:`neutralise_workbook` stores every such cell as plain text (never a formula
cell) — the exporters write no formula of their own. CSV: :func:`safe_csv_cell` prefixes
such a cell with an apostrophe, as OWASP recommends.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value: str) -> str:
    """Return *value*, with an apostrophe in front when it could start a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralise_workbook(workbook: Any) -> int:
    """Turn every formula or formula-like text cell of *workbook* into plain text.

    Return how many cells were changed.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and (
                    cell.data_type == "f" or value.startswith(FORMULA_STARTS)
                ):
                    cell.value = value
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed
